package dev.gloo.chaos.checker;

import dev.gloo.chaos.history.Op;
import java.util.List;
import java.util.Optional;

/**
 * One Kubernetes object as a register with create, read, compare-and-set and delete. The
 * state is the object's value, empty when it does not exist.
 *
 * <p>Definite failures (404, 409) are observations too: a refused create proves the key
 * existed, a refused delete proves it was absent, a refused cas proves the expected value was
 * not current. Indeterminate operations are only ever asked for their effect: the checker
 * handles "never took effect" by not requiring them to be linearized at all.
 */
public final class RegisterModel implements Model<Optional<String>> {

  @Override
  public Optional<String> initial() {
    return Optional.empty();
  }

  @Override
  public List<Optional<String>> step(Optional<String> state, Op op) {
    boolean ok = op.outcome() != Op.Outcome.FAIL; // OK, or INFO asked for its effect
    switch (op.kind()) {
      case READ:
        return state.equals(Optional.ofNullable(op.value())) ? List.of(state) : List.of();
      case CREATE:
        if (ok) {
          return state.isEmpty() ? List.of(Optional.of(op.value())) : List.of();
        }
        return state.isPresent() ? List.of(state) : List.of();
      case CAS:
        boolean current = state.isPresent() && state.get().equals(op.expected());
        if (ok) {
          return current ? List.of(Optional.of(op.value())) : List.of();
        }
        return current ? List.of() : List.of(state);
      case DELETE:
        // With a precondition (expected) a delete is a compare-and-set to absent.
        boolean deletable = state.isPresent() && (op.expected() == null || state.get().equals(op.expected()));
        if (ok) {
          return deletable ? List.of(Optional.empty()) : List.of();
        }
        return deletable ? List.of() : List.of(state);
      default:
        throw new IllegalArgumentException("unknown kind " + op.kind());
    }
  }
}
