package se.assistansbryggan.message;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import java.time.OffsetDateTime;
import java.util.GregorianCalendar;
import java.util.Map;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.transform.dom.DOMSource;
import org.w3c.dom.Document;

/** The one JAXB context for the generated classes of all schema families (built once; it is costly). */
public final class Jaxb {
    /** One context per schema family, so a document declares only its own namespace. */
    private static final Map<String, JAXBContext> CONTEXTS = Map.of(
            "se.assistansbryggan.schema.fk.v1", context(se.assistansbryggan.schema.fk.v1.ObjectFactory.class),
            "se.assistansbryggan.schema.kommun.v1", context(se.assistansbryggan.schema.kommun.v1.ObjectFactory.class),
            "se.assistansbryggan.schema.kvittens.v1", context(se.assistansbryggan.schema.kvittens.v1.ObjectFactory.class));
    private static final DatatypeFactory DATATYPES = datatypes();

    private Jaxb() {}

    /** Marshallers and unmarshallers are not thread-safe but costly to make: one per family and thread. */
    private static final ThreadLocal<Map<JAXBContext, jakarta.xml.bind.Marshaller>> MARSHALLERS =
            ThreadLocal.withInitial(java.util.HashMap::new);
    private static final ThreadLocal<Map<JAXBContext, jakarta.xml.bind.Unmarshaller>> UNMARSHALLERS =
            ThreadLocal.withInitial(java.util.HashMap::new);

    public static <T> T unmarshal(Document document, Class<T> type) {
        try {
            JAXBContext context = contextFor(type);
            jakarta.xml.bind.Unmarshaller unmarshaller = UNMARSHALLERS.get().get(context);
            if (unmarshaller == null) {
                unmarshaller = context.createUnmarshaller();
                UNMARSHALLERS.get().put(context, unmarshaller);
            }
            return unmarshaller.unmarshal(new DOMSource(document), type).getValue();
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot bind " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public static Document marshal(JAXBElement<?> element) {
        Document document = SecureXml.newDocument();
        try {
            JAXBContext context = contextFor(element.getDeclaredType());
            jakarta.xml.bind.Marshaller marshaller = MARSHALLERS.get().get(context);
            if (marshaller == null) {
                marshaller = context.createMarshaller();
                MARSHALLERS.get().put(context, marshaller);
            }
            marshaller.marshal(element, document);
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot write " + element.getName() + ": " + e.getMessage(), e);
        }
        return document;
    }

    public static XMLGregorianCalendar dateTime(OffsetDateTime time) {
        return DATATYPES.newXMLGregorianCalendar(GregorianCalendar.from(time.toZonedDateTime()));
    }

    private static JAXBContext contextFor(Class<?> type) {
        JAXBContext context = CONTEXTS.get(type.getPackageName());
        if (context == null) {
            throw new IllegalArgumentException("no schema family for " + type.getName());
        }
        return context;
    }

    private static JAXBContext context(Class<?> objectFactory) {
        try {
            return JAXBContext.newInstance(objectFactory);
        } catch (JAXBException e) {
            throw new IllegalStateException("the JAXB classes do not load", e);
        }
    }

    private static DatatypeFactory datatypes() {
        try {
            return DatatypeFactory.newInstance();
        } catch (DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
