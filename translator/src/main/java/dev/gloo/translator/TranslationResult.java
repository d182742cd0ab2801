package dev.gloo.translator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.ObjectRef;
import java.util.SortedMap;

/**
 * What one translation produced.
 *
 * @param revision the store revision of the input snapshot
 * @param gateways Envoy resources per Gateway of our class
 * @param statuses the {@code status} this controller wants on each object it judged. Conditions
 *     carry no {@code lastTransitionTime} (the translator has no clock): the status writer adds
 *     it, keeping the old time when a condition did not change. For routes, {@code parents}
 *     lists only the parent entries of this controller.
 */
public record TranslationResult(
    long revision,
    SortedMap<NsName, GatewayResources> gateways,
    SortedMap<ObjectRef, ObjectNode> statuses) {}
