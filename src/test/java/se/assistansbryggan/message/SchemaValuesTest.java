package se.assistansbryggan.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** Values as the schema defines them (XML Schema Part 2), for each kind the gateway decides on. */
class SchemaValuesTest {
    private static final String NS = "urn:test:values";
    private static final String XSD = """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test:values" elementFormDefault="qualified">
              <xs:element name="V"><xs:complexType><xs:sequence>
                <xs:element name="B" type="xs:boolean"/>
                <xs:element name="AnonB"><xs:simpleType><xs:restriction base="xs:boolean"/></xs:simpleType></xs:element>
                <xs:element name="Bs"><xs:simpleType><xs:list itemType="xs:boolean"/></xs:simpleType></xs:element>
                <xs:element name="D" type="xs:date"/>
                <xs:element name="T" type="xs:dateTime"/>
                <xs:element name="N" type="xs:decimal"/>
                <xs:element name="K" type="xs:token"/>
                <xs:element name="S" type="xs:string"/>
              </xs:sequence></xs:complexType></xs:element>
            </xs:schema>""";
    private static final ThreadLocal<DocumentBuilder> TYPED = typedBuilders();

    private static ThreadLocal<DocumentBuilder> typedBuilders() {
        try {
            return SecureXml.validatingBuilders(SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                    .newSchema(new StreamSource(new StringReader(XSD))));
        } catch (org.xml.sax.SAXException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Element parse(String b, String anonB, String bs, String d, String t, String n, String k, String s) {
        String xml = "<V xmlns='" + NS + "'><B>" + b + "</B><AnonB>" + anonB + "</AnonB><Bs>" + bs + "</Bs><D>" + d + "</D><T>" + t
                + "</T><N>" + n + "</N><K>" + k + "</K><S>" + s + "</S></V>";
        SecureXml.Validated parsed = SecureXml.parseValidating(TYPED, xml.getBytes(StandardCharsets.UTF_8));
        assertEquals(null, parsed.invalid(), xml);
        return parsed.document().getDocumentElement();
    }

    private static Element typical() {
        return parse(" 1\n", "0", "true 0", "2026-12-01+01:00", "2026-09-01T09:30:00.5+02:00", "+024.50", "  A   B ", " x ");
    }

    @Test
    void booleans_by_value_whatever_the_form_and_the_type_is_named_or_anonymous() {
        Element v = typical();
        assertTrue(SchemaValues.booleanValue(Dom.child(v, "B"), "B"));
        assertTrue(SchemaValues.holds(Dom.child(v, "B"), "true", "B"));
        assertFalse(SchemaValues.booleanValue(Dom.child(v, "AnonB"), "AnonB"));
        assertTrue(SchemaValues.holds(Dom.child(v, "AnonB"), "false", "AnonB"));
        // a list of booleans is not a boolean: it keeps its text
        assertEquals(SchemaValues.Kind.STRING, SchemaValues.kind(Dom.child(v, "Bs")));
    }

    @Test
    void dates_times_and_decimals_by_value() {
        Element v = typical();
        assertEquals(LocalDate.of(2026, 12, 1), SchemaValues.dateValue(Dom.child(v, "D"), "D"));
        assertTrue(SchemaValues.holds(Dom.child(v, "D"), "2026-12-01+01:00", "D"));
        assertTrue(SchemaValues.dateTimeValue(Dom.child(v, "T"), "T").isEqual(OffsetDateTime.parse("2026-09-01T07:30:00.5Z")));
        assertTrue(SchemaValues.holds(Dom.child(v, "T"), "2026-09-01T13:00:00.500+05:30", "T"));
        assertEquals(0, new BigDecimal("24.5").compareTo((BigDecimal) SchemaValues.value(Dom.child(v, "N"), "N")));
        assertTrue(SchemaValues.holds(Dom.child(v, "N"), "24.5", "N"));
    }

    @Test
    void whitespace_counts_only_where_the_type_keeps_it() {
        Element v = typical();
        assertTrue(SchemaValues.holds(Dom.child(v, "K"), "A B", "K"));
        assertFalse(SchemaValues.holds(Dom.child(v, "S"), "x", "S"));
        assertTrue(SchemaValues.holds(Dom.child(v, "S"), " x ", "S"));
    }

    @Test
    void a_date_time_without_a_zone_or_a_year_past_9999_is_the_senders_to_fix() {
        Element noZone = parse("1", "1", "1", "2026-12-01", "2026-09-01T09:30:00", "1", "a", "a");
        RefusedException e = assertThrows(RefusedException.class, () -> SchemaValues.dateTimeValue(Dom.child(noZone, "T"), "X/T"));
        assertEquals(Refusal.SCHEMA_INVALID, e.refusal());
        assertTrue(e.detail().contains("X/T"));
        Element farFuture = parse("1", "1", "1", "1000002026-12-01", "2026-09-01T09:30:00Z", "1", "a", "a");
        assertEquals(Refusal.SCHEMA_INVALID,
                assertThrows(RefusedException.class, () -> SchemaValues.dateValue(Dom.child(farFuture, "D"), "D")).refusal());
    }

    @Test
    void an_element_the_validating_parser_did_not_type_is_never_decided_on_as_text() {
        Element untyped = SecureXml.parse(("<V xmlns='" + NS + "'><B>1</B></V>").getBytes(StandardCharsets.UTF_8)).getDocumentElement();
        assertThrows(IllegalStateException.class, () -> SchemaValues.holds(Dom.child(untyped, "B"), "true", "B"));
    }
}
