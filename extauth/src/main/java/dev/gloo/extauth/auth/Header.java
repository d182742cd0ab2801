package dev.gloo.extauth.auth;

/**
 * A header to send: upstream on success, or to the client with a denial.
 *
 * @param append add to an existing header of that name instead of replacing it
 */
public record Header(String name, String value, boolean append) {
  public static Header set(String name, String value) {
    return new Header(name, value, false);
  }
}
