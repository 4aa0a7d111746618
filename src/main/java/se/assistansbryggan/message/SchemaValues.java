package se.assistansbryggan.message;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeConstants;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import org.w3c.dom.Element;
import org.w3c.dom.TypeInfo;

/**
 * The values the schema gives an element, not its text: the one typed accessor every rule,
 * minimisation and transform decides on. The type is the one the validating parser assigned to
 * the element (DOM Level 3 {@link Element#getSchemaTypeInfo()}), so {@code 1} and {@code true}
 * are the same xs:boolean, {@code 2026-12-01+01:00} is the date 2026-12-01, {@code 1.50} and
 * {@code 1.5} the same xs:decimal, and whitespace counts only where the type keeps it (XML Schema
 * Part 2, §3.2 and §4.3.6). Works on documents from the validating parser; an element with no
 * schema type is read as text.
 */
public final class SchemaValues {
    private static final String XS = XMLConstants.W3C_XML_SCHEMA_NS_URI;
    /** A restriction of xs:boolean is a boolean, and so is simple content extended with attributes; a list of booleans is not. */
    private static final int DERIVED = TypeInfo.DERIVATION_RESTRICTION | TypeInfo.DERIVATION_EXTENSION;
    private static final int ANY_DERIVATION = DERIVED | TypeInfo.DERIVATION_LIST | TypeInfo.DERIVATION_UNION;
    private static final DatatypeFactory DATATYPES = datatypes();

    private SchemaValues() {}

    /** The built-in value spaces the gateway decides on. */
    public enum Kind { BOOLEAN, DATE, DATE_TIME, DECIMAL, TOKEN, NORMALIZED_STRING, STRING }

    /**
     * The value space of the element's schema type (named or anonymous). An element the validating
     * parser did not type cannot be decided on: that is the gateway's fault, never read as text.
     */
    public static Kind kind(Element element) {
        TypeInfo type = element.getSchemaTypeInfo();
        if (type == null || (type.getTypeName() == null && !type.isDerivedFrom(XS, "anyType", ANY_DERIVATION))) {
            throw new IllegalStateException("no schema type for " + element.getLocalName()
                    + ": only documents from the validating parser are decided on");
        }
        String name = type.getTypeName();
        if (name == null || name.startsWith("#")) {
            return kindOf(type); // an anonymous type (none in schemas/ today) has no name to remember it by
        }
        // a named type's value space is the type's own: worked out once, not by walking its derivations for every element
        // of every message (a tenth of intake's CPU)
        var named = KINDS.computeIfAbsent(Objects.requireNonNullElse(type.getTypeNamespace(), ""),
                ns -> new java.util.concurrent.ConcurrentHashMap<>());
        Kind kind = named.get(name);
        if (kind == null) {
            kind = kindOf(type);
            named.put(name, kind);
        }
        return kind;
    }

    /**
     * The kind of each named schema type met so far, by namespace and name. Each schema family has a
     * namespace of its own and its one version in this gateway, so a name there names one type (a schema
     * made for a test must not reuse a family's namespace for types of its own).
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.ConcurrentHashMap<String, Kind>> KINDS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final Kind[] DECIDED = {Kind.BOOLEAN, Kind.DATE, Kind.DATE_TIME, Kind.DECIMAL, Kind.TOKEN, Kind.NORMALIZED_STRING};

    private static Kind kindOf(TypeInfo type) {
        for (Kind kind : DECIDED) {
            String name = builtIn(kind);
            if ((XS.equals(type.getTypeNamespace()) && name.equals(type.getTypeName())) || type.isDerivedFrom(XS, name, DERIVED)) {
                return kind;
            }
        }
        return Kind.STRING;
    }

    /** The element's value: Boolean, LocalDate, OffsetDateTime, BigDecimal, or the string as its type's whitespace rule leaves it. */
    public static Object value(Element element, String field) {
        String text = element.getTextContent();
        Kind kind = kind(element);
        return switch (kind) {
            case BOOLEAN -> parseBoolean(collapse(text), field);
            case DATE -> date(collapse(text), field);
            case DATE_TIME -> dateTime(collapse(text), field);
            case DECIMAL -> decimal(collapse(text), field);
            case TOKEN -> collapse(text);
            case NORMALIZED_STRING -> text.replaceAll("[\\t\\n\\r]", " ");
            case STRING -> text;
        };
    }

    /**
     * True when the element holds the value {@code literal} denotes in the element's own type:
     * how a rule's value from the policy file is compared with a message.
     */
    public static boolean holds(Element element, String literal, String field) {
        Object actual = value(element, field);
        Object expected = switch (kind(element)) {
            case BOOLEAN -> parseBoolean(collapse(literal), "the policy's value for " + field);
            case DATE -> date(collapse(literal), "the policy's value for " + field);
            case DATE_TIME -> dateTime(collapse(literal), "the policy's value for " + field);
            case DECIMAL -> decimal(collapse(literal), "the policy's value for " + field);
            case TOKEN -> collapse(literal);
            default -> literal;
        };
        if (actual instanceof BigDecimal a && expected instanceof BigDecimal b) {
            return a.compareTo(b) == 0;
        }
        if (actual instanceof OffsetDateTime a && expected instanceof OffsetDateTime b) {
            return a.isEqual(b);
        }
        return Objects.equals(actual, expected);
    }

    public static boolean booleanValue(Element element, String field) {
        return (Boolean) valueAs(element, Kind.BOOLEAN, field);
    }

    public static LocalDate dateValue(Element element, String field) {
        return (LocalDate) valueAs(element, Kind.DATE, field);
    }

    /** An xs:dateTime; one without a time zone names no instant and is refused as the sender's fault, naming the field. */
    public static OffsetDateTime dateTimeValue(Element element, String field) {
        return (OffsetDateTime) valueAs(element, Kind.DATE_TIME, field);
    }

    /** A code, identifier or other token: its text with whitespace collapsed. */
    public static String tokenValue(Element element) {
        return collapse(element.getTextContent());
    }

    private static Object valueAs(Element element, Kind kind, String field) {
        Kind actual = kind(element);
        if (actual != kind && actual != Kind.STRING) {
            throw new IllegalArgumentException(field + " is an " + actual + " in the schema, not a " + kind);
        }
        return switch (kind) {
            case BOOLEAN -> parseBoolean(collapse(element.getTextContent()), field);
            case DATE -> date(collapse(element.getTextContent()), field);
            case DATE_TIME -> dateTime(collapse(element.getTextContent()), field);
            default -> value(element, field);
        };
    }

    static String collapse(String text) {
        return text.replaceAll("[ \\t\\n\\r]+", " ").strip();
    }

    private static Boolean parseBoolean(String lexical, String field) {
        return switch (lexical) {
            case "true", "1" -> Boolean.TRUE;
            case "false", "0" -> Boolean.FALSE;
            default -> throw Refusal.SCHEMA_INVALID.because(field + " is not an xs:boolean");
        };
    }

    private static LocalDate date(String lexical, String field) {
        XMLGregorianCalendar calendar = calendar(lexical, field, DatatypeConstants.DATE);
        checkYear(calendar, field);
        return LocalDate.of(calendar.getYear(), calendar.getMonth(), calendar.getDay());
    }

    private static OffsetDateTime dateTime(String lexical, String field) {
        XMLGregorianCalendar calendar = calendar(lexical, field, DatatypeConstants.DATETIME);
        checkYear(calendar, field);
        if (calendar.getTimezone() == DatatypeConstants.FIELD_UNDEFINED) {
            throw Refusal.SCHEMA_INVALID.because(field + " must carry a time zone (Z or ±hh:mm)");
        }
        return calendar.toGregorianCalendar().toZonedDateTime().toOffsetDateTime();
    }

    /** Years the schema allows but no decision needs, and java.time and GregorianCalendar cannot hold exactly, are refused. */
    private static void checkYear(XMLGregorianCalendar calendar, String field) {
        if (calendar.getEon() != null || calendar.getYear() < 1 || calendar.getYear() > 9999) {
            throw Refusal.SCHEMA_INVALID.because(field + ": the year must lie between 1 and 9999");
        }
    }

    private static BigDecimal decimal(String lexical, String field) {
        try {
            return new BigDecimal(lexical.startsWith("+") ? lexical.substring(1) : lexical);
        } catch (NumberFormatException e) {
            throw Refusal.SCHEMA_INVALID.because(field + " is not an xs:decimal");
        }
    }

    private static XMLGregorianCalendar calendar(String lexical, String field, javax.xml.namespace.QName type) {
        try {
            XMLGregorianCalendar calendar = DATATYPES.newXMLGregorianCalendar(lexical);
            if (!type.equals(calendar.getXMLSchemaType())) {
                throw Refusal.SCHEMA_INVALID.because(field + " is not an " + type.getLocalPart());
            }
            return calendar;
        } catch (IllegalArgumentException e) {
            throw Refusal.SCHEMA_INVALID.because(field + " is not an " + type.getLocalPart());
        }
    }

    private static String builtIn(Kind kind) {
        return switch (kind) {
            case BOOLEAN -> "boolean";
            case DATE -> "date";
            case DATE_TIME -> "dateTime";
            case DECIMAL -> "decimal";
            case TOKEN -> "token";
            case NORMALIZED_STRING -> "normalizedString";
            case STRING -> "string";
        };
    }

    private static DatatypeFactory datatypes() {
        try {
            return DatatypeFactory.newInstance();
        } catch (DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
