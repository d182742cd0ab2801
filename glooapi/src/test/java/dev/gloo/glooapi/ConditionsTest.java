package dev.gloo.glooapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<Conditions.Condition> of(String json) throws Exception {
    return Conditions.of(JSON.readTree(json.replace('\'', '"')));
  }

  @Test
  void aRouteMeetsAConditionOnlyWhenEveryParentHasIt() throws Exception {
    String route = "{'metadata':{'namespace':'shop'},'status':{'parents':["
        + "{'parentRef':{'name':'a'},'conditions':[{'type':'Accepted','status':'True'}]},"
        + "{'parentRef':{'name':'b','namespace':'infra'},'conditions':[{'type':'Accepted','status':'False',"
        + "'reason':'NotAllowedByListeners','message':'no listener allows shop'}]}]}}";
    List<Conditions.Condition> cs = of(route);
    assertFalse(Conditions.met(cs, "Accepted", "True"));
    assertEquals("parent gateway shop/a: Accepted=True; parent gateway infra/b: Accepted=False NotAllowedByListeners"
        + " (no listener allows shop)", Conditions.explain(cs, "Accepted"));
    assertFalse(Conditions.met(cs, "ResolvedRefs", "True"), "a condition never reported is not met");
  }

  @Test
  void aGatewaysOwnConditionDecidesNotItsListeners() throws Exception {
    List<Conditions.Condition> cs = of("{'status':{'conditions':[{'type':'Programmed','status':'True'}],"
        + "'listeners':[{'name':'https','conditions':[{'type':'Programmed','status':'False','reason':'Invalid'}]}]}}");
    assertTrue(Conditions.met(cs, "Programmed", "True"));
    assertTrue(cs.stream().anyMatch(c -> c.scope().equals("listener https") && !c.isTrue()), "describe shows it");
  }

  @Test
  void glooStatesReadAsAnAcceptedCondition() throws Exception {
    JsonNode rejected = JSON.readTree("{\"status\":{\"statuses\":{\"gloo-system\":{\"state\":\"Rejected\","
        + "\"reason\":\"upstream shop/x not found\"}}}}");
    List<Conditions.Condition> cs = Conditions.of(rejected);
    assertFalse(Conditions.met(cs, "Accepted", "True"));
    assertTrue(Conditions.met(cs, "Accepted", "False"));
    assertEquals("reported in gloo-system: Accepted=False Rejected (upstream shop/x not found)",
        Conditions.explain(cs, "Accepted"));
  }
}
