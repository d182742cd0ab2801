package dev.gloo.glooapi;

import java.net.URI;

/**
 * One node's API: its base URL and how its certificate is checked.
 *
 * @param caPem PEM certificates to trust for this node (several allowed), or {@code null} for
 *     the JDK's default trust store
 * @param insecure skip certificate checks ({@code --insecure-skip-tls-verify}); never the default
 */
public record Endpoint(URI url, byte[] caPem, boolean insecure) {
  @Override
  public String toString() {
    return url.toString();
  }
}
