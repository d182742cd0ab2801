package dev.gloo.apiserver.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gloo.apiserver.objects.ApiException;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Decodes the protobuf request bodies kubectl's typed commands send ({@code create namespace},
 * {@code create secret}, {@code create configmap}) into the JSON the API works on. The body is
 * the magic {@code k8s\0} and a {@code runtime.Unknown} whose raw bytes are the object; proto2
 * empty strings count as unset. Replies are always JSON, which kubectl accepts.
 */
final class ProtobufBodies {
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ProtobufBodies() {}

  static ObjectNode decode(byte[] body) {
    if (body.length < 4 || !Arrays.equals(Arrays.copyOf(body, 4), MAGIC)) {
      throw ApiException.badRequest("a protobuf body must start with the k8s magic bytes");
    }
    try {
      Runtime.Unknown unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(body, 4, body.length));
      String apiVersion = unknown.getTypeMeta().getApiVersion();
      String kind = unknown.getTypeMeta().getKind();
      ObjectNode out = NODES.objectNode();
      out.put("apiVersion", apiVersion).put("kind", kind);
      byte[] raw = unknown.getRaw().toByteArray();
      switch (apiVersion + "/" + kind) {
        case "v1/Namespace" -> {
          V1.Namespace ns = V1.Namespace.parseFrom(raw);
          out.set("metadata", metadata(ns.getMetadata()));
          if (ns.getSpec().getFinalizersCount() > 0) {
            var fin = out.putObject("spec").putArray("finalizers");
            ns.getSpec().getFinalizersList().forEach(fin::add);
          }
        }
        case "v1/Secret" -> {
          V1.Secret s = V1.Secret.parseFrom(raw);
          out.set("metadata", metadata(s.getMetadata()));
          if (!s.getType().isEmpty()) {
            out.put("type", s.getType());
          }
          if (s.getDataCount() > 0) {
            ObjectNode data = out.putObject("data");
            for (Map.Entry<String, ByteString> e : s.getDataMap().entrySet()) {
              data.put(e.getKey(), Base64.getEncoder().encodeToString(e.getValue().toByteArray()));
            }
          }
          if (s.getStringDataCount() > 0) {
            ObjectNode sd = out.putObject("stringData");
            s.getStringDataMap().forEach(sd::put);
          }
          if (s.hasImmutable()) {
            out.put("immutable", s.getImmutable());
          }
        }
        case "v1/ConfigMap" -> {
          V1.ConfigMap cm = V1.ConfigMap.parseFrom(raw);
          out.set("metadata", metadata(cm.getMetadata()));
          if (cm.getDataCount() > 0) {
            ObjectNode data = out.putObject("data");
            cm.getDataMap().forEach(data::put);
          }
          if (cm.getBinaryDataCount() > 0) {
            ObjectNode data = out.putObject("binaryData");
            cm.getBinaryDataMap().forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.toByteArray())));
          }
          if (cm.hasImmutable()) {
            out.put("immutable", cm.getImmutable());
          }
        }
        default -> throw new ApiException(415, "UnsupportedMediaType", "protobuf bodies of " + apiVersion + " "
            + kind + " are not supported; send JSON", null);
      }
      return out;
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.badRequest("the protobuf body cannot be decoded: " + e.getMessage());
    }
  }

  private static ObjectNode metadata(Meta.ObjectMeta m) {
    ObjectNode meta = NODES.objectNode();
    if (!m.getName().isEmpty()) {
      meta.put("name", m.getName());
    }
    if (!m.getGenerateName().isEmpty()) {
      meta.put("generateName", m.getGenerateName());
    }
    if (!m.getNamespace().isEmpty()) {
      meta.put("namespace", m.getNamespace());
    }
    if (m.getLabelsCount() > 0) {
      ObjectNode labels = meta.putObject("labels");
      m.getLabelsMap().forEach(labels::put);
    }
    if (m.getAnnotationsCount() > 0) {
      ObjectNode ann = meta.putObject("annotations");
      m.getAnnotationsMap().forEach(ann::put);
    }
    return meta;
  }
}
