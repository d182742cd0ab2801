package dev.gloo.chaos.checker;

import dev.gloo.chaos.history.Op;
import java.util.List;

/**
 * A sequential specification: which states an operation may lead to from {@code state}, given
 * the result the client observed. An empty list means the operation cannot take effect (or
 * cannot have returned what it returned) in that state. States must have value equality.
 */
public interface Model<S> {
  S initial();

  List<S> step(S state, Op op);
}
