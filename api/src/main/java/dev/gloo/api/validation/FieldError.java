package dev.gloo.api.validation;

/**
 * One problem with one field, in the terms kube-apiserver uses for {@code
 * metav1.Status.details.causes}: {@code reason} is the cause type (e.g. {@code
 * FieldValueInvalid}), {@code field} the path ({@code spec.rules[0].filters}), {@code message}
 * the text after the field in kube-apiserver's message.
 */
public record FieldError(Reason reason, String field, String message) {

  public enum Reason {
    FieldValueRequired("Required value"),
    FieldValueInvalid("Invalid value"),
    FieldValueNotSupported("Unsupported value"),
    FieldValueTypeInvalid("Invalid value"),
    FieldValueTooLong("Too long"),
    FieldValueTooMany("Too many"),
    FieldValueForbidden("Forbidden"),
    FieldValueDuplicate("Duplicate value"),
    FieldValueUnknown("Unknown field");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    /** How kube-apiserver words this reason at the start of a message. */
    public String text() {
      return text;
    }
  }

  /** {@code field: message}, as kube-apiserver lists it in a 422 message. */
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
