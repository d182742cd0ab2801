package dev.gloo.glooapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class MergePatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode j(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  @Test
  void sameManifestOnAServerDefaultedObjectIsEmpty() throws Exception {
    JsonNode manifest = j("{'spec':{'port':8080,'hosts':['a']}}");
    JsonNode live = j("{'metadata':{'uid':'u'},'spec':{'port':8080,'hosts':['a'],'defaulted':true},'status':{'x':1}}");
    assertTrue(MergePatch.threeWay(manifest, manifest, live).isEmpty());
  }

  @Test
  void changedFieldsAreSetAndListsSentWhole() throws Exception {
    JsonNode original = j("{'spec':{'port':8080,'hosts':['a']}}");
    JsonNode modified = j("{'spec':{'port':8081,'hosts':['a','b']}}");
    JsonNode live = j("{'spec':{'port':8080,'hosts':['a'],'defaulted':true}}");
    assertEquals(j("{'spec':{'port':8081,'hosts':['a','b']}}"), MergePatch.threeWay(original, modified, live));
  }

  @Test
  void fieldsDroppedFromTheManifestAreRemovedButOthersWritersFieldsStay() throws Exception {
    JsonNode original = j("{'spec':{'port':8080,'tls':{'mode':'x'}}}");
    JsonNode modified = j("{'spec':{'port':8080}}");
    JsonNode live = j("{'spec':{'port':8080,'tls':{'mode':'x'},'setByServer':1}}");
    assertEquals(j("{'spec':{'tls':null}}"), MergePatch.threeWay(original, modified, live));
  }

  @Test
  void withoutALastAppliedNothingIsRemoved() throws Exception {
    JsonNode live = j("{'spec':{'a':1,'b':2}}");
    assertTrue(MergePatch.threeWay(null, j("{'spec':{'a':1}}"), live).isEmpty());
  }

  @Test
  void aListOnlyTheServerDefaultedIsLeftAloneButAChangedListIsSent() throws Exception {
    JsonNode applied = j("{'spec':{'parentRefs':[{'name':'gw'}]}}");
    JsonNode live = j("{'spec':{'parentRefs':[{'name':'gw','group':'gateway.networking.k8s.io','kind':'Gateway'}]}}");
    assertTrue(MergePatch.threeWay(applied, applied, live).isEmpty());
    JsonNode changed = j("{'spec':{'parentRefs':[{'name':'gw2'}]}}");
    assertEquals(changed, MergePatch.threeWay(applied, changed, live));
    // A field dropped from a list item since the last apply is a change, though live still "extends" it.
    JsonNode before = j("{'spec':{'parentRefs':[{'name':'gw','sectionName':'http'}]}}");
    JsonNode liveWithSection = j("{'spec':{'parentRefs':[{'name':'gw','sectionName':'http','kind':'Gateway'}]}}");
    assertEquals(applied, MergePatch.threeWay(before, applied, liveWithSection));
    // Without a last-applied annotation there is nothing to tell defaults from edits: send it.
    assertEquals(applied, MergePatch.threeWay(null, applied, live));
  }

  @Test
  void numbersCompareByValue() throws Exception {
    assertTrue(MergePatch.threeWay(null, j("{'w':1}"), j("{'w':1.0}")).isEmpty());
  }
}
