package dev.gloo.extauth.auth;

/**
 * One configured authentication step. Implementations are immutable (apart from bounded
 * caches), thread-safe, and never throw for anything a client sends: bad input is a denial.
 */
@FunctionalInterface
public interface AuthCheck {
  Decision check(AuthRequest request);
}
