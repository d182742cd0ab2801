package dev.gloo.xds.internal;

import dev.gloo.xds.EnvoyResources;
import java.util.EnumMap;
import java.util.Map;

/** Everything one Gateway's Envoys are served at one revision. Immutable. */
public final class GatewaySnapshot {

  public static final GatewaySnapshot EMPTY = of(EnvoyResources.EMPTY);

  private final Map<ResourceType, TypeSnapshot> types;

  private GatewaySnapshot(Map<ResourceType, TypeSnapshot> types) {
    this.types = types;
  }

  public static GatewaySnapshot of(EnvoyResources resources) {
    Map<ResourceType, TypeSnapshot> types = new EnumMap<>(ResourceType.class);
    for (ResourceType type : ResourceType.values()) {
      types.put(type, TypeSnapshot.of(type, type.of(resources)));
    }
    return new GatewaySnapshot(types);
  }

  public TypeSnapshot of(ResourceType type) {
    return types.get(type);
  }

  /** Same versions for every type, so no stream would see a difference. */
  public boolean sameContent(GatewaySnapshot other) {
    for (ResourceType type : ResourceType.values()) {
      if (!types.get(type).version().equals(other.types.get(type).version())) {
        return false;
      }
    }
    return true;
  }
}
