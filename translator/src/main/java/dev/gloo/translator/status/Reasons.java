package dev.gloo.translator.status;

/** Condition types and reasons as the Gateway API spec names them. */
public final class Reasons {
  public static final String ACCEPTED = "Accepted";
  public static final String PROGRAMMED = "Programmed";
  public static final String RESOLVED_REFS = "ResolvedRefs";
  public static final String CONFLICTED = "Conflicted";

  public static final String INVALID = "Invalid";
  public static final String INVALID_PARAMETERS = "InvalidParameters";
  public static final String UNSUPPORTED_ADDRESS = "UnsupportedAddress";
  public static final String LISTENERS_NOT_VALID = "ListenersNotValid";
  public static final String UNSUPPORTED_PROTOCOL = "UnsupportedProtocol";
  public static final String INVALID_CERTIFICATE_REF = "InvalidCertificateRef";
  public static final String INVALID_ROUTE_KINDS = "InvalidRouteKinds";
  public static final String REF_NOT_PERMITTED = "RefNotPermitted";
  public static final String NO_CONFLICTS = "NoConflicts";
  public static final String HOSTNAME_CONFLICT = "HostnameConflict";
  public static final String PROTOCOL_CONFLICT = "ProtocolConflict";

  public static final String NOT_ALLOWED_BY_LISTENERS = "NotAllowedByListeners";
  public static final String NO_MATCHING_LISTENER_HOSTNAME = "NoMatchingListenerHostname";
  public static final String NO_MATCHING_PARENT = "NoMatchingParent";
  public static final String UNSUPPORTED_VALUE = "UnsupportedValue";
  public static final String BACKEND_NOT_FOUND = "BackendNotFound";
  public static final String INVALID_KIND = "InvalidKind";

  private Reasons() {}
}
