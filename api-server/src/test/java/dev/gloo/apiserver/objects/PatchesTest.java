package dev.gloo.apiserver.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PatchesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode j(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  @Test
  void mergePatchFollowsRfc7386() throws Exception {
    assertEquals(j("{'a':'z','c':{'d':'e'}}"),
        Patches.merge(j("{'a':'b','c':{'d':'e','f':'g'}}"), j("{'a':'z','c':{'f':null}}")));
    assertEquals(j("{'l':[3]}"), Patches.merge(j("{'l':[1,2]}"), j("{'l':[3]}")), "lists are replaced");
  }

  @Test
  void strategicMergeAsKubectlSendsItForServicePortsAndConfigMaps() throws Exception {
    JsonNode svc = j("{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443,'targetPort':8443}]}}");
    JsonNode patch = j("{'spec':{'$setElementOrder/ports':[{'port':80}],"
        + "'ports':[{'port':80,'targetPort':9090},{'$patch':'delete','port':443}]}}");
    assertEquals(j("{'spec':{'ports':[{'port':80,'targetPort':9090}]}}"), Patches.strategicMerge(svc, patch));
    assertEquals(j("{'data':{'a':'1','c':'3'}}"),
        Patches.strategicMerge(j("{'data':{'a':'1','b':'2'}}"), j("{'data':{'b':null,'c':'3'}}")));
  }

  @Test
  void jsonPatchFollowsRfc6902() throws Exception {
    JsonNode doc = j("{'a':{'b':[1,2]},'c':'x'}");
    JsonNode out = Patches.jsonPatch(doc, j("[{'op':'add','path':'/a/b/1','value':9},"
        + "{'op':'remove','path':'/c'},{'op':'copy','from':'/a/b','path':'/d'},"
        + "{'op':'move','from':'/d','path':'/e'},{'op':'test','path':'/a/b/0','value':1},"
        + "{'op':'replace','path':'/a/b/2','value':3}]"));
    assertEquals(j("{'a':{'b':[1,9,3]},'e':[1,9,2]}"), out);
    assertEquals(422, assertThrows(ApiException.class,
        () -> Patches.jsonPatch(doc, j("[{'op':'test','path':'/c','value':'y'}]"))).code());
    assertEquals(422, assertThrows(ApiException.class,
        () -> Patches.jsonPatch(doc, j("[{'op':'remove','path':'/nope'}]"))).code());
    assertEquals(400, assertThrows(ApiException.class,
        () -> Patches.jsonPatch(doc, j("{'op':'add'}"))).code());
  }
}
