package dev.gloo.xds.internal;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;

/** The v3 ADS endpoint: one {@link SotwStream} or {@link DeltaStream} per call. */
public final class AdsService extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {

  /**
   * Stand-ins for requests whose bytes are no protobuf. grpc-java would otherwise end such a
   * call with UNKNOWN and log an application error; the stream ends it with INVALID_ARGUMENT.
   */
  static final DiscoveryRequest UNPARSEABLE =
      DiscoveryRequest.newBuilder().setTypeUrl("(unparseable request)").build();
  static final DeltaDiscoveryRequest UNPARSEABLE_DELTA =
      DeltaDiscoveryRequest.newBuilder().setTypeUrl("(unparseable request)").build();

  private final StreamContext context;

  public AdsService(StreamContext context) {
    this.context = context;
  }

  @Override
  public StreamObserver<DiscoveryRequest> streamAggregatedResources(
      StreamObserver<DiscoveryResponse> responses) {
    return new SotwStream(context, responses);
  }

  @Override
  public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
      StreamObserver<DeltaDiscoveryResponse> responses) {
    return new DeltaStream(context, responses);
  }

  /** The service with request parsing that turns bad bytes into the stand-ins above. */
  @SuppressWarnings("unchecked")
  public ServerServiceDefinition definition() {
    ServerServiceDefinition generated = bindService();
    ServiceDescriptor descriptor = generated.getServiceDescriptor();
    ServerMethodDefinition<DiscoveryRequest, DiscoveryResponse> sotw =
        tolerant(
            (ServerMethodDefinition<DiscoveryRequest, DiscoveryResponse>)
                generated.getMethod(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().getFullMethodName()),
            UNPARSEABLE);
    ServerMethodDefinition<DeltaDiscoveryRequest, DeltaDiscoveryResponse> delta =
        tolerant(
            (ServerMethodDefinition<DeltaDiscoveryRequest, DeltaDiscoveryResponse>)
                generated.getMethod(AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod().getFullMethodName()),
            UNPARSEABLE_DELTA);
    return ServerServiceDefinition.builder(
            ServiceDescriptor.newBuilder(descriptor.getName())
                .setSchemaDescriptor(descriptor.getSchemaDescriptor())
                .addMethod(sotw.getMethodDescriptor())
                .addMethod(delta.getMethodDescriptor())
                .build())
        .addMethod(sotw)
        .addMethod(delta)
        .build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> tolerant(ServerMethodDefinition<Q, R> method, Q unparseable) {
    MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
    MethodDescriptor.Marshaller<Q> strict = descriptor.getRequestMarshaller();
    MethodDescriptor.Marshaller<Q> lenient =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(Q value) {
            return strict.stream(value);
          }

          @Override
          public Q parse(InputStream stream) {
            try {
              return strict.parse(stream);
            } catch (StatusRuntimeException e) {
              return unparseable;
            }
          }
        };
    return ServerMethodDefinition.create(
        descriptor.toBuilder(lenient, descriptor.getResponseMarshaller()).build(),
        method.getServerCallHandler());
  }
}
