package dev.gloo.xds.check;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MapEntry;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.AnyRules;
import io.envoyproxy.pgv.validate.Validate.BytesRules;
import io.envoyproxy.pgv.validate.Validate.DurationRules;
import io.envoyproxy.pgv.validate.Validate.EnumRules;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import io.envoyproxy.pgv.validate.Validate.MapRules;
import io.envoyproxy.pgv.validate.Validate.RepeatedRules;
import io.envoyproxy.pgv.validate.Validate.StringRules;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a message against the protoc-gen-validate rules ({@code validate.rules} field options,
 * {@code validate.required} oneof options) that ship in the Envoy API protos, the same rules
 * Envoy applies before it accepts a resource. Walks every set field, and into {@code Any}
 * values whose type is a known Envoy type.
 *
 * <p>Covered: message required/skip; oneof required; string const, len, min/max_len (code
 * points), min/max_bytes, pattern, prefix, suffix, contains, not_contains, in, not_in,
 * hostname, ip, ipv4, ipv6, address, uri, uri_ref, uuid, email, well-known header name/value
 * regexes, ignore_empty; bytes lengths, prefix, suffix, contains, in, not_in; every integer and
 * floating type's const, lt, lte, gt, gte, in, not_in (also on wrapper types); bool const; enum
 * const, defined_only, in, not_in; repeated min/max_items, unique, items; map min/max_pairs,
 * keys, values; any required, in, not_in; duration required, const, lt, lte, gt, gte, in,
 * not_in; timestamp required. Patterns are RE2 and run as Java regexes, which agree on the
 * patterns Envoy uses.
 */
final class ProtoRules {

  private static final int MAX_DEPTH = 100;
  private static final Pattern HEADER_NAME = Pattern.compile("^:?[0-9a-zA-Z!#$%&'*+\\-.^_|~`]+$");
  private static final Pattern HEADER_VALUE = Pattern.compile("^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]*$");
  private static final Pattern HEADER_LOOSE = Pattern.compile("^[^\\u0000\\u000A\\u000D]*$");
  private static final Pattern UUID =
      Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

  private final AnyTypes anyTypes;
  /** Compiled {@code pattern} rules; a pattern Java cannot compile is skipped. */
  private final Map<String, Optional<Pattern>> patterns = new ConcurrentHashMap<>();

  ProtoRules(AnyTypes anyTypes) {
    this.anyTypes = anyTypes;
  }

  /** Accumulates violations of one resource. */
  private static final class Sink {
    final String resource;
    final List<Violation> out;

    Sink(String resource, List<Violation> out) {
      this.resource = resource;
      this.out = out;
    }

    void add(String path, String message) {
      out.add(new Violation(resource, path, message));
    }
  }

  void check(String resource, Message message, List<Violation> out) {
    message(message, "", new Sink(resource, out), 0);
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private void message(Message message, String path, Sink sink, int depth) {
    if (depth > MAX_DEPTH) {
      sink.add(path, "nested deeper than " + MAX_DEPTH + " messages");
      return;
    }
    Descriptor type = message.getDescriptorForType();
    if (type.getOptions().getExtension(Validate.disabled) || type.getOptions().getExtension(Validate.ignored)) {
      return;
    }
    if (message instanceof Any) {
      any((Any) message, path, sink, depth);
      return;
    }
    for (OneofDescriptor oneof : type.getOneofs()) {
      if (oneof.getOptions().getExtension(Validate.required)
          && !message.hasOneof(oneof)) {
        sink.add(join(path, oneof.getName()), "exactly one of " + oneofFields(oneof) + " is required");
      }
    }
    for (FieldDescriptor field : type.getFields()) {
      FieldRules rules = field.getOptions().hasExtension(Validate.rules)
          ? field.getOptions().getExtension(Validate.rules)
          : null;
      String fieldPath = join(path, field.getName());
      if (field.isMapField()) {
        map(message, field, rules, fieldPath, sink, depth);
      } else if (field.isRepeated()) {
        repeated(message, field, rules, fieldPath, sink, depth);
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (!message.hasField(field)) {
          // Rules of a oneof member apply only when that member is the one set.
          if (rules != null && field.getContainingOneof() == null && requiresPresence(rules)) {
            sink.add(fieldPath, "is required");
          }
          continue;
        }
        singleMessage((Message) message.getField(field), rules, fieldPath, sink, depth);
      } else {
        if (field.getContainingOneof() != null && !message.hasField(field)) {
          continue;
        }
        if (rules != null) {
          scalar(field, message.getField(field), rules, fieldPath, sink);
        }
      }
    }
  }

  private static String oneofFields(OneofDescriptor oneof) {
    StringBuilder names = new StringBuilder();
    for (FieldDescriptor f : oneof.getFields()) {
      names.append(names.length() == 0 ? "" : ", ").append(f.getName());
    }
    return "{" + names + "}";
  }

  private static boolean requiresPresence(FieldRules rules) {
    return (rules.hasMessage() && rules.getMessage().getRequired())
        || (rules.hasDuration() && rules.getDuration().getRequired())
        || (rules.hasTimestamp() && rules.getTimestamp().getRequired())
        || (rules.hasAny() && rules.getAny().getRequired());
  }

  private void singleMessage(Message value, FieldRules rules, String path, Sink sink, int depth) {
    if (rules != null) {
      if (rules.hasDuration() && value instanceof Duration) {
        duration((Duration) value, rules.getDuration(), path, sink);
      }
      if (rules.hasAny() && value instanceof Any) {
        anyRules((Any) value, rules.getAny(), path, sink);
      }
      FieldDescriptor wrapped = wrapperValue(value.getDescriptorForType());
      if (wrapped != null) {
        scalar(wrapped, value.getField(wrapped), rules, path, sink);
        return;
      }
      if (rules.hasMessage() && rules.getMessage().getSkip()) {
        return;
      }
    }
    message(value, path, sink, depth + 1);
  }

  private static FieldDescriptor wrapperValue(Descriptor type) {
    if (type.getFile().getPackage().equals("google.protobuf") && type.getName().endsWith("Value")
        && type.getFields().size() == 1 && type.getFields().get(0).getName().equals("value")
        && !type.getName().equals("Value")) {
      return type.getFields().get(0);
    }
    return null;
  }

  private void repeated(Message message, FieldDescriptor field, FieldRules rules, String path, Sink sink, int depth) {
    int count = message.getRepeatedFieldCount(field);
    FieldRules items = null;
    if (rules != null && rules.hasRepeated()) {
      RepeatedRules r = rules.getRepeated();
      if (!(r.getIgnoreEmpty() && count == 0)) {
        if (r.hasMinItems() && count < r.getMinItems()) {
          sink.add(path, "must have at least " + r.getMinItems() + " item(s), has " + count);
        }
        if (r.hasMaxItems() && count > r.getMaxItems()) {
          sink.add(path, "must have at most " + r.getMaxItems() + " item(s), has " + count);
        }
        if (r.getUnique()) {
          Set<Object> seen = new HashSet<>();
          for (int i = 0; i < count; i++) {
            if (!seen.add(message.getRepeatedField(field, i))) {
              sink.add(path + "[" + i + "]", "repeats an earlier item; items must be unique");
            }
          }
        }
        items = r.hasItems() ? r.getItems() : null;
      }
    }
    for (int i = 0; i < count; i++) {
      Object item = message.getRepeatedField(field, i);
      String itemPath = path + "[" + i + "]";
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        singleMessage((Message) item, items, itemPath, sink, depth);
      } else if (items != null) {
        scalar(field, item, items, itemPath, sink);
      }
    }
  }

  private void map(Message message, FieldDescriptor field, FieldRules rules, String path, Sink sink, int depth) {
    int count = message.getRepeatedFieldCount(field);
    MapRules r = rules != null && rules.hasMap() ? rules.getMap() : null;
    if (r != null && !(r.getIgnoreEmpty() && count == 0)) {
      if (r.hasMinPairs() && count < r.getMinPairs()) {
        sink.add(path, "must have at least " + r.getMinPairs() + " entries, has " + count);
      }
      if (r.hasMaxPairs() && count > r.getMaxPairs()) {
        sink.add(path, "must have at most " + r.getMaxPairs() + " entries, has " + count);
      }
    }
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    for (int i = 0; i < count; i++) {
      Message entry = (Message) message.getRepeatedField(field, i);
      Object key = entry instanceof MapEntry ? ((MapEntry<?, ?>) entry).getKey() : entry.getField(keyField);
      Object value = entry instanceof MapEntry ? ((MapEntry<?, ?>) entry).getValue() : entry.getField(valueField);
      String entryPath = path + "[" + key + "]";
      if (r != null && r.hasKeys()) {
        scalar(keyField, key, r.getKeys(), entryPath + "(key)", sink);
      }
      FieldRules values = r != null && r.hasValues() ? r.getValues() : null;
      if (valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        singleMessage((Message) value, values, entryPath, sink, depth);
      } else if (values != null) {
        scalar(valueField, value, values, entryPath, sink);
      }
    }
  }

  private void any(Any any, String path, Sink sink, int depth) {
    Optional<Message> prototype = anyTypes.prototype(any.getTypeUrl());
    if (prototype.isEmpty()) {
      if (anyTypes.claimsKnown(any.getTypeUrl())) {
        sink.add(path, "unknown Envoy type " + any.getTypeUrl());
      }
      return;
    }
    Message unpacked;
    try {
      unpacked = prototype.get().getParserForType().parseFrom(any.getValue());
    } catch (InvalidProtocolBufferException e) {
      sink.add(path, "bytes are not a valid " + any.getTypeUrl() + ": " + e.getMessage());
      return;
    }
    message(unpacked, path + "<" + unpacked.getDescriptorForType().getName() + ">", sink, depth + 1);
  }

  private static void anyRules(Any any, AnyRules rules, String path, Sink sink) {
    if (rules.getInCount() > 0 && !rules.getInList().contains(any.getTypeUrl())) {
      sink.add(path, "type " + any.getTypeUrl() + " is not one of " + rules.getInList());
    }
    if (rules.getNotInList().contains(any.getTypeUrl())) {
      sink.add(path, "type " + any.getTypeUrl() + " is not allowed here");
    }
  }

  private static void duration(Duration value, DurationRules rules, String path, Sink sink) {
    BigDecimal v = seconds(value);
    if (rules.hasConst() && v.compareTo(seconds(rules.getConst())) != 0) {
      sink.add(path, "must equal " + text(rules.getConst()));
    }
    range(v, rules.hasGt() ? seconds(rules.getGt()) : null, rules.hasGte() ? seconds(rules.getGte()) : null,
        rules.hasLt() ? seconds(rules.getLt()) : null, rules.hasLte() ? seconds(rules.getLte()) : null,
        path, sink, text(value));
    if (rules.getInCount() > 0 && rules.getInList().stream().noneMatch(d -> seconds(d).compareTo(v) == 0)) {
      sink.add(path, "must be one of the listed durations");
    }
    if (rules.getNotInList().stream().anyMatch(d -> seconds(d).compareTo(v) == 0)) {
      sink.add(path, "must not be " + text(value));
    }
  }

  private static BigDecimal seconds(Duration d) {
    return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNanos(), 9));
  }

  private static String text(Duration d) {
    return seconds(d).stripTrailingZeros().toPlainString() + "s";
  }

  /** PGV ranges: lower/upper bounds, or when lower > upper, a value outside [upper, lower]. */
  private static void range(BigDecimal v, BigDecimal gt, BigDecimal gte, BigDecimal lt, BigDecimal lte,
      String path, Sink sink, String shown) {
    BigDecimal lower = gt != null ? gt : gte;
    BigDecimal upper = lt != null ? lt : lte;
    boolean aboveLower = lower == null || (gt != null ? v.compareTo(gt) > 0 : v.compareTo(gte) >= 0);
    boolean belowUpper = upper == null || (lt != null ? v.compareTo(lt) < 0 : v.compareTo(lte) <= 0);
    String lowerText = lower == null ? "" : (gt != null ? "> " : ">= ") + lower.stripTrailingZeros().toPlainString();
    String upperText = upper == null ? "" : (lt != null ? "< " : "<= ") + upper.stripTrailingZeros().toPlainString();
    if (lower != null && upper != null && lower.compareTo(upper) > 0) {
      if (!aboveLower && !belowUpper) {
        sink.add(path, "must be " + upperText + " or " + lowerText + ", is " + shown);
      }
      return;
    }
    if (!aboveLower || !belowUpper) {
      String need = lower != null && upper != null ? lowerText + " and " + upperText : lower != null ? lowerText : upperText;
      sink.add(path, "must be " + need + ", is " + shown);
    }
  }

  private void scalar(FieldDescriptor field, Object value, FieldRules rules, String path, Sink sink) {
    switch (rules.getTypeCase()) {
      case STRING:
        if (value instanceof String) {
          string((String) value, rules.getString(), path, sink);
        }
        break;
      case BYTES:
        if (value instanceof ByteString) {
          bytes((ByteString) value, rules.getBytes(), path, sink);
        }
        break;
      case ENUM:
        if (value instanceof EnumValueDescriptor) {
          enumValue((EnumValueDescriptor) value, rules.getEnum(), path, sink);
        }
        break;
      case BOOL:
        if (rules.getBool().hasConst() && !value.equals(rules.getBool().getConst())) {
          sink.add(path, "must be " + rules.getBool().getConst());
        }
        break;
      case FLOAT: case DOUBLE: case INT32: case INT64: case UINT32: case UINT64: case SINT32:
      case SINT64: case FIXED32: case FIXED64: case SFIXED32: case SFIXED64:
        number(field, value, (Message) rules.getField(fieldOf(rules)), path, sink);
        break;
      default:
        break;
    }
  }

  private static FieldDescriptor fieldOf(FieldRules rules) {
    return FieldRules.getDescriptor().findFieldByNumber(rules.getTypeCase().getNumber());
  }

  /** Integer and floating rules share field names, so one generic reading covers all of them. */
  private static void number(FieldDescriptor field, Object value, Message rules, String path, Sink sink) {
    Descriptor type = rules.getDescriptorForType();
    if (Boolean.TRUE.equals(get(rules, "ignore_empty")) && isZero(value)) {
      return;
    }
    BigDecimal v = decimal(field.getType(), value);
    if (v == null) {
      return;
    }
    Object constant = get(rules, "const");
    FieldDescriptor constField = type.findFieldByName("const");
    if (constant != null && v.compareTo(decimal(constField.getType(), constant)) != 0) {
      sink.add(path, "must equal " + constant);
    }
    range(v, bound(rules, "gt"), bound(rules, "gte"), bound(rules, "lt"), bound(rules, "lte"), path, sink,
        v.stripTrailingZeros().toPlainString());
    FieldDescriptor in = type.findFieldByName("in");
    if (in != null && rules.getRepeatedFieldCount(in) > 0) {
      boolean found = false;
      for (int i = 0; i < rules.getRepeatedFieldCount(in); i++) {
        found |= decimal(in.getType(), rules.getRepeatedField(in, i)).compareTo(v) == 0;
      }
      if (!found) {
        sink.add(path, "must be one of " + rules.getField(in) + ", is " + v.toPlainString());
      }
    }
    FieldDescriptor notIn = type.findFieldByName("not_in");
    if (notIn != null) {
      for (int i = 0; i < rules.getRepeatedFieldCount(notIn); i++) {
        if (decimal(notIn.getType(), rules.getRepeatedField(notIn, i)).compareTo(v) == 0) {
          sink.add(path, "must not be " + v.toPlainString());
        }
      }
    }
  }

  private static Object get(Message rules, String name) {
    FieldDescriptor f = rules.getDescriptorForType().findFieldByName(name);
    return f != null && rules.hasField(f) ? rules.getField(f) : null;
  }

  private static BigDecimal bound(Message rules, String name) {
    FieldDescriptor f = rules.getDescriptorForType().findFieldByName(name);
    return f != null && rules.hasField(f) ? decimal(f.getType(), rules.getField(f)) : null;
  }

  private static boolean isZero(Object value) {
    return value instanceof Number && ((Number) value).doubleValue() == 0;
  }

  private static BigDecimal decimal(FieldDescriptor.Type type, Object value) {
    switch (type) {
      case UINT32:
      case FIXED32:
        return BigDecimal.valueOf(Integer.toUnsignedLong((Integer) value));
      case UINT64:
      case FIXED64:
        return new BigDecimal(new BigInteger(Long.toUnsignedString((Long) value)));
      case FLOAT:
      case DOUBLE:
        double d = ((Number) value).doubleValue();
        return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
      default:
        return BigDecimal.valueOf(((Number) value).longValue());
    }
  }

  private static void enumValue(EnumValueDescriptor value, EnumRules rules, String path, Sink sink) {
    int number = value.getNumber();
    if (rules.getDefinedOnly() && value.getType().findValueByNumber(number) == null) {
      sink.add(path, "value " + number + " is not defined in " + value.getType().getFullName());
    }
    if (rules.hasConst() && number != rules.getConst()) {
      sink.add(path, "must be " + rules.getConst());
    }
    if (rules.getInCount() > 0 && !rules.getInList().contains(number)) {
      sink.add(path, "must be one of " + rules.getInList() + ", is " + number);
    }
    if (rules.getNotInList().contains(number)) {
      sink.add(path, "must not be " + number);
    }
  }

  private static void bytes(ByteString value, BytesRules rules, String path, Sink sink) {
    if (rules.getIgnoreEmpty() && value.isEmpty()) {
      return;
    }
    int n = value.size();
    if (rules.hasConst() && !value.equals(rules.getConst())) {
      sink.add(path, "must equal the given constant");
    }
    if (rules.hasLen() && n != rules.getLen()) {
      sink.add(path, "must be " + rules.getLen() + " bytes long, is " + n);
    }
    if (rules.hasMinLen() && n < rules.getMinLen()) {
      sink.add(path, "must be at least " + rules.getMinLen() + " bytes long, is " + n);
    }
    if (rules.hasMaxLen() && n > rules.getMaxLen()) {
      sink.add(path, "must be at most " + rules.getMaxLen() + " bytes long, is " + n);
    }
    if (rules.hasPrefix() && !value.startsWith(rules.getPrefix())) {
      sink.add(path, "must start with the given prefix");
    }
    if (rules.hasSuffix() && !value.endsWith(rules.getSuffix())) {
      sink.add(path, "must end with the given suffix");
    }
    if (rules.hasContains() && value.toStringUtf8().indexOf(rules.getContains().toStringUtf8()) < 0) {
      sink.add(path, "must contain the given bytes");
    }
    if (rules.getInCount() > 0 && !rules.getInList().contains(value)) {
      sink.add(path, "must be one of the listed values");
    }
    if (rules.getNotInList().contains(value)) {
      sink.add(path, "must not be one of the listed values");
    }
  }

  private void string(String value, StringRules rules, String path, Sink sink) {
    if (rules.getIgnoreEmpty() && value.isEmpty()) {
      return;
    }
    long chars = value.codePointCount(0, value.length());
    int bytes = ByteString.copyFromUtf8(value).size();
    if (rules.hasConst() && !value.equals(rules.getConst())) {
      sink.add(path, "must equal \"" + rules.getConst() + "\"");
    }
    if (rules.hasLen() && chars != rules.getLen()) {
      sink.add(path, "must be " + rules.getLen() + " characters long, is " + chars);
    }
    if (rules.hasMinLen() && chars < rules.getMinLen()) {
      sink.add(path, rules.getMinLen() == 1 ? "must not be empty"
          : "must be at least " + rules.getMinLen() + " characters long, is " + chars);
    }
    if (rules.hasMaxLen() && chars > rules.getMaxLen()) {
      sink.add(path, "must be at most " + rules.getMaxLen() + " characters long, is " + chars);
    }
    if (rules.hasLenBytes() && bytes != rules.getLenBytes()) {
      sink.add(path, "must be " + rules.getLenBytes() + " bytes long, is " + bytes);
    }
    if (rules.hasMinBytes() && bytes < rules.getMinBytes()) {
      sink.add(path, "must be at least " + rules.getMinBytes() + " bytes long, is " + bytes);
    }
    if (rules.hasMaxBytes() && bytes > rules.getMaxBytes()) {
      sink.add(path, "must be at most " + rules.getMaxBytes() + " bytes long, is " + bytes);
    }
    if (rules.hasPattern()) {
      Optional<Pattern> pattern = patterns.computeIfAbsent(rules.getPattern(), ProtoRules::compile);
      if (pattern.isPresent() && !pattern.get().matcher(value).find()) {
        sink.add(path, "must match the pattern " + rules.getPattern());
      }
    }
    if (rules.hasPrefix() && !value.startsWith(rules.getPrefix())) {
      sink.add(path, "must start with \"" + rules.getPrefix() + "\"");
    }
    if (rules.hasSuffix() && !value.endsWith(rules.getSuffix())) {
      sink.add(path, "must end with \"" + rules.getSuffix() + "\"");
    }
    if (rules.hasContains() && !value.contains(rules.getContains())) {
      sink.add(path, "must contain \"" + rules.getContains() + "\"");
    }
    if (rules.hasNotContains() && value.contains(rules.getNotContains())) {
      sink.add(path, "must not contain \"" + rules.getNotContains() + "\"");
    }
    if (rules.getInCount() > 0 && !rules.getInList().contains(value)) {
      sink.add(path, "must be one of " + rules.getInList());
    }
    if (rules.getNotInList().contains(value)) {
      sink.add(path, "must not be \"" + value + "\"");
    }
    switch (rules.getWellKnownCase()) {
      case HOSTNAME:
        if (rules.getHostname() && !isHostname(value)) {
          sink.add(path, "must be a valid hostname, is \"" + value + "\"");
        }
        break;
      case IP:
        if (rules.getIp() && !isIpv4(value) && !isIpv6(value)) {
          sink.add(path, "must be an IP address");
        }
        break;
      case IPV4:
        if (rules.getIpv4() && !isIpv4(value)) {
          sink.add(path, "must be an IPv4 address");
        }
        break;
      case IPV6:
        if (rules.getIpv6() && !isIpv6(value)) {
          sink.add(path, "must be an IPv6 address");
        }
        break;
      case ADDRESS:
        if (rules.getAddress() && !isHostname(value) && !isIpv4(value) && !isIpv6(value)) {
          sink.add(path, "must be a hostname or an IP address");
        }
        break;
      case URI:
        if (rules.getUri() && !isAbsoluteUri(value)) {
          sink.add(path, "must be an absolute URI");
        }
        break;
      case URI_REF:
        if (rules.getUriRef() && !isUri(value)) {
          sink.add(path, "must be a URI reference");
        }
        break;
      case UUID:
        if (rules.getUuid() && !UUID.matcher(value).matches()) {
          sink.add(path, "must be a UUID");
        }
        break;
      case EMAIL:
        if (rules.getEmail() && !EMAIL.matcher(value).matches()) {
          sink.add(path, "must be an email address");
        }
        break;
      case WELL_KNOWN_REGEX:
        boolean strict = !rules.hasStrict() || rules.getStrict();
        Pattern regex;
        String what;
        if (rules.getWellKnownRegex() == Validate.KnownRegex.HTTP_HEADER_NAME) {
          regex = strict ? HEADER_NAME : HEADER_LOOSE;
          what = "an HTTP header name";
        } else if (rules.getWellKnownRegex() == Validate.KnownRegex.HTTP_HEADER_VALUE) {
          regex = strict ? HEADER_VALUE : HEADER_LOOSE;
          what = "an HTTP header value";
        } else {
          break;
        }
        if (!regex.matcher(value).matches()) {
          sink.add(path, "must be " + what + " (no control characters" + (what.endsWith("name") ? ", token characters only" : "") + ")");
        }
        break;
      default:
        break;
    }
  }

  private static Optional<Pattern> compile(String re2) {
    try {
      return Optional.of(Pattern.compile(re2));
    } catch (PatternSyntaxException e) {
      return Optional.empty();
    }
  }

  static boolean isHostname(String value) {
    String host = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
    if (host.isEmpty() || host.length() > 253) {
      return false;
    }
    for (String label : host.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean isIpv4(String value) {
    String[] parts = value.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
          || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  static boolean isIpv6(String value) {
    if (!value.contains(":") || !value.matches("[0-9a-fA-F:.]+(%[0-9A-Za-z]+)?")) {
      return false;
    }
    try {
      return java.net.InetAddress.getByName(value) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static boolean isUri(String value) {
    try {
      new URI(value);
      return true;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean isAbsoluteUri(String value) {
    try {
      return new URI(value).isAbsolute();
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
