package dev.gloo.glooapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrinterTest {
  @Test
  void tablesAlignColumnsThreeSpacesApartLikeKubectl() {
    StringWriter w = new StringWriter();
    new Printer.Table(List.of("Name", "Class", "Age"), List.of(List.of("gw", "gloo-gateway", "5m"),
        List.of("a-longer-name", "x", "12s"))).print(new PrintWriter(w), true);
    assertEquals(String.join("\n",
        "NAME            CLASS          AGE",
        "gw              gloo-gateway   5m",
        "a-longer-name   x              12s", ""), w.toString());
  }

  @Test
  void jsonIsLaidOutLikeKubectls() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
    assertEquals("{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {}\n}\n",
        Printer.json(m.readTree("{\"a\":[1,{\"b\":[]}],\"c\":{}}")));
  }

  @Test
  void cellsShowNoneForMissingValuesAndJoinLists() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
    assertEquals("<none>", Printer.cell(m.readTree("null")));
    assertEquals("a,b", Printer.cell(m.readTree("[\"a\",\"b\"]")));
    assertEquals("8080", Printer.cell(m.readTree("8080")));
  }
}
