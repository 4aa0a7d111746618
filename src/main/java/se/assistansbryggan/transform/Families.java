package se.assistansbryggan.transform;

import jakarta.xml.bind.JAXBElement;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import javax.xml.namespace.QName;
import org.w3c.dom.Document;
import se.assistansbryggan.message.Jaxb;
import se.assistansbryggan.message.MessageType;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.schema.fk.v1.*;
import se.assistansbryggan.schema.kommun.v1.*;

/**
 * Every catalogue type's pair of JAXB classes and its two mappings ({@link FamilyMapping}): turns
 * a document of one schema family into the same content in the other.
 */
final class Families {
    private record Pair<F, K>(Class<F> fk, Class<K> kommun, Function<F, K> toKommun, Function<K, F> toFk) {
        Object map(Object content, SchemaFamily to) {
            return to == SchemaFamily.KOMMUN ? toKommun.apply(fk.cast(content)) : toFk.apply(kommun.cast(content));
        }

        Class<?> classOf(SchemaFamily family) {
            return family == SchemaFamily.FK ? fk : kommun;
        }
    }

    private static final FamilyMapping M = FamilyMapping.INSTANCE;
    private static final Map<MessageType, Pair<?, ?>> PAIRS = new EnumMap<>(MessageType.class);

    static {
        pair(MessageType.DECISION_NOTICE, FkBeslutOmAssistansersattningTyp.class, KommunMeddelandeOmBeslutTyp.class, M::toKommun, M::toFk);
        pair(MessageType.WITHDRAWAL_NOTICE, FkIndragenAssistansersattningTyp.class, KommunMeddelandeOmIndragningTyp.class, M::toKommun, M::toFk);
        pair(MessageType.PLANNED_WITHDRAWAL, FkOvervagdIndragningTyp.class, KommunForhandsinformationTyp.class, M::toKommun, M::toFk);
        pair(MessageType.PAYMENT_RECIPIENT_NOTICE, FkUtbetalningTillAnnanTyp.class, KommunMeddelandeOmUtbetalningTyp.class, M::toKommun, M::toFk);
        pair(MessageType.ENTITLEMENT_REFERRAL, FkAnmalanRattTillAssistansersattningTyp.class, KommunAnmalanOmRattTyp.class, M::toKommun, M::toFk);
        pair(MessageType.DECISION_TRANSFER, FkOvertagetKommunaltBeslutTyp.class, KommunOverforingTyp.class, M::toKommun, M::toFk);
        pair(MessageType.QUALITY_REPORT, FkKvalitetsbristHosAnordnareTyp.class, KommunAnmalanOmKvalitetsbristerTyp.class, M::toKommun, M::toFk);
        pair(MessageType.PERMIT_REVOCATION, FkAterkallatTillstandTyp.class, KommunUnderrattelseOmTillstandTyp.class, M::toKommun, M::toFk);
        pair(MessageType.UNLICENSED_PROVIDER_REPORT, FkVerksamhetUtanTillstandTyp.class, KommunUnderrattelseUtanTillstandTyp.class, M::toKommun, M::toFk);
        pair(MessageType.CONTACT_CONFIRMATION, FkBekraftadKontaktTyp.class, KommunKvittensKontaktTyp.class, M::toKommun, M::toFk);
        pair(MessageType.ACUTE_DECISION_HANDOVER, FkAkutBeslutOverlamnatTyp.class, KommunOverlamningAvAkutBeslutTyp.class, M::toKommun, M::toFk);
        pair(MessageType.HANDOVER_CONFIRMATION, FkOverlamningBekraftadTyp.class, KommunBekraftelseAvOverlamningTyp.class, M::toKommun, M::toFk);
        pair(MessageType.TRANSFER_TAKEN_OVER, FkOvertagandeBeskedTyp.class, KommunBeskedOmOvertagandeTyp.class, M::toKommun, M::toFk);
        pair(MessageType.PROVIDER_REFERRAL, FkHanvisningFranAnordnareTyp.class, KommunAnordnaresHanvisningTillKommunenTyp.class,
                M::toKommun, M::toFk);
        pair(MessageType.REVOCATION_FOLLOW_UP, FkUppfoljningEfterAterkallelseTyp.class, KommunKvittensInformationOmAterkallelseTyp.class,
                M::toKommun, M::toFk);
        if (PAIRS.size() != MessageType.values().length) {
            throw new IllegalStateException("a catalogue type has no mapping between the schema families");
        }
    }

    private Families() {}

    private static <F, K> void pair(MessageType type, Class<F> fk, Class<K> kommun, Function<F, K> toKommun, Function<K, F> toFk) {
        PAIRS.put(type, new Pair<>(fk, kommun, toKommun, toFk));
    }

    /** The message's content as a new document of family {@code to}: mapped, or copied when the families agree. */
    static Document convert(Document source, MessageType type, SchemaFamily from, SchemaFamily to) {
        if (from == to) {
            Document copy = SecureXml.newDocument();
            copy.appendChild(copy.importNode(source.getDocumentElement(), true));
            return copy;
        }
        Pair<?, ?> pair = PAIRS.get(type);
        Object content = Jaxb.unmarshal(source, pair.classOf(from));
        return Jaxb.marshal(element(type, to, pair.map(content, to)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static JAXBElement<?> element(MessageType type, SchemaFamily family, Object content) {
        return new JAXBElement(new QName(family.namespace(), type.root(family)), content.getClass(), content);
    }
}
