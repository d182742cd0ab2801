package dev.gloo.translator.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.translator.model.ObjectRef;

/**
 * Gloo options ({@code spec.options} of a RouteOption or VirtualHostOption) and the policy
 * object they came from, so that a plugin can report a problem against that object.
 */
public record PolicySource(ObjectRef policy, JsonNode options) {}
