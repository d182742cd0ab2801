package dev.gloo.extauth.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of a check.
 *
 * @param status 200 when allowed, else the HTTP status Envoy returns to the client (401, 403)
 * @param headers on success the headers added upstream; on denial the headers sent to the
 *     client (e.g. {@code WWW-Authenticate})
 * @param removeUpstream headers removed from the upstream request on success, so a client
 *     cannot supply a header this service owns (an identity header it had no value for)
 * @param reason why, for logs: never carries credentials
 */
public record Decision(int status, List<Header> headers, List<String> removeUpstream, String reason) {
  public Decision {
    headers = List.copyOf(headers);
    removeUpstream = List.copyOf(removeUpstream);
  }

  public static Decision allow(List<Header> upstream, List<String> removeUpstream) {
    return new Decision(200, upstream, removeUpstream, "allowed");
  }

  public static Decision allow() {
    return allow(List.of(), List.of());
  }

  /** 401: no credentials, or credentials that do not authenticate. */
  public static Decision unauthorized(String reason, Header... clientHeaders) {
    return new Decision(401, List.of(clientHeaders), List.of(), reason);
  }

  /** 403: authenticated but not allowed, or the service cannot decide (fail closed). */
  public static Decision forbidden(String reason, Header... clientHeaders) {
    return new Decision(403, List.of(clientHeaders), List.of(), reason);
  }

  public boolean allowed() {
    return status == 200;
  }

  /** This allowed decision together with the upstream headers of {@code other}, in order. */
  Decision plus(Decision other) {
    List<Header> h = new ArrayList<>(headers);
    h.addAll(other.headers);
    List<String> r = new ArrayList<>(removeUpstream);
    r.addAll(other.removeUpstream);
    return allow(h, r);
  }
}
