package dev.gloo.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One served kind at one version, as a CRD declares it: names, scope, schema, subresources and
 * the columns {@code kubectl get} shows.
 *
 * @param group the API group ("" for core kinds)
 * @param storage whether this is the version objects are stored at
 * @param schema the version's {@code openAPIV3Schema}, empty when the CRD has none
 */
public record ResourceType(
    String group,
    String version,
    String kind,
    String listKind,
    String plural,
    String singular,
    List<String> shortNames,
    List<String> categories,
    boolean namespaced,
    boolean statusSubresource,
    boolean storage,
    Optional<JsonNode> schema,
    List<PrinterColumn> printerColumns) {

  public ResourceType {
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
    printerColumns = List.copyOf(printerColumns);
  }

  /** {@code group/version}, or just {@code version} for the core group. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** A column of {@code kubectl get}, from {@code additionalPrinterColumns}. */
  public record PrinterColumn(String name, String type, String jsonPath, String description,
      int priority, String format) {}
}
