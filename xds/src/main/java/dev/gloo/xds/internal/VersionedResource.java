package dev.gloo.xds.internal;

import com.google.protobuf.Any;

/**
 * One resource as it goes on the wire.
 *
 * @param name the xDS resource name
 * @param version a hash of its deterministic bytes: equal content, equal version, on every node
 * @param packed the resource in an {@code Any} with those bytes
 */
public record VersionedResource(String name, String version, Any packed) {}
