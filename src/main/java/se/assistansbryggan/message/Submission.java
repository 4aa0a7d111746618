package se.assistansbryggan.message;

import java.security.cert.X509Certificate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Document;

/**
 * One message on its way through the stations. Each station fills in what it established;
 * later stations read it. Lives in the exchange property {@value #PROPERTY}.
 */
public final class Submission {
    public static final String PROPERTY = "submission";

    private final long startedNanos = System.nanoTime();
    private final String channel;
    private final X509Certificate clientCertificate;
    private List<X509Certificate> presentedIssuers = List.of();
    private String declaredContentType;
    private Document document;
    private MessageHeader header;
    private MessageType type;
    private SchemaFamily family;
    private X509Certificate signer;
    private byte[] contentDigest;
    private String receiptXml;
    private String auditEvents;
    private boolean replayed;
    private Party sender;
    private List<Delivery> deliveries = List.of();

    public Submission(String channel, X509Certificate clientCertificate) {
        this.channel = channel;
        this.clientCertificate = clientCertificate;
    }

    public String channel() { return channel; }
    /** How long since the request arrived. */
    public java.time.Duration elapsed() { return java.time.Duration.ofNanos(System.nanoTime() - startedNanos); }
    public Optional<X509Certificate> clientCertificate() { return Optional.ofNullable(clientCertificate); }
    /** The issuing CAs the TLS client presented after its certificate (candidates for its path, not trusted as such). */
    public List<X509Certificate> presentedIssuers() { return presentedIssuers; }
    public void presentedIssuers(List<X509Certificate> issuers) { this.presentedIssuers = List.copyOf(issuers); }
    public Document document() { return document; }
    public MessageHeader header() { return header; }
    public MessageType type() { return type; }
    /** The schema family the sender wrote the message in. */
    public SchemaFamily family() { return family; }
    public X509Certificate signer() { return signer; }
    public Party sender() { return sender; }
    /** One per recipient, in the order the policy decided them. */
    public List<Delivery> deliveries() { return deliveries; }

    /** The message id, once the header has been read. */
    public Optional<String> messageId() {
        return Optional.ofNullable(header).map(MessageHeader::messageId);
    }

    /** The Content-Type the sender declared, where its door has one (POST); null for SOAP. */
    public Optional<String> declaredContentType() { return Optional.ofNullable(declaredContentType); }

    public void declaredContentType(String contentType) { this.declaredContentType = contentType; }

    public void parsed(Document document, MessageType type, SchemaFamily family, MessageHeader header) {
        this.document = document;
        this.type = type;
        this.family = family;
        this.header = header;
    }

    public void signedBy(X509Certificate signer, byte[] contentDigest) {
        this.signer = signer;
        this.contentDigest = contentDigest.clone();
    }

    /**
     * SHA-256 of the signed content: the DigestValue of the sender's signature, verified, over the
     * exclusive canonical form of the document without its signature. Equal for a resend of the
     * same message, whatever its serialisation; it is what Leverans names the original by.
     */
    public byte[] contentDigest() { return contentDigest.clone(); }

    /** The signed ACCEPTED receipt, made before the hand-off and stored with it. */
    public String receiptXml() { return receiptXml; }
    public void receiptMade(String receiptXml) { this.receiptXml = receiptXml; }
    /** The audit events of acceptance, encoded to be committed with the deliveries. */
    public String auditEvents() { return auditEvents; }
    public void auditMade(String encodedEvents) { this.auditEvents = encodedEvents; }

    /** True when this is a resend of a message already accepted: the answer is the original receipt. */
    public boolean replayed() { return replayed; }
    public void replayOf(String originalReceiptXml) { this.receiptXml = originalReceiptXml; this.replayed = true; }

    public void sentBy(Party sender) { this.sender = sender; }
    public void decided(List<Delivery> deliveries) { this.deliveries = List.copyOf(deliveries); }

    /** The recipients' names, for receipts and logs. */
    public String recipientIds() {
        return String.join(",", deliveries.stream().map(d -> d.recipient().id()).toList());
    }

    /**
     * The envelope fields every message carries, in either family. The recipient fields are null
     * where the policy fans out; the person is null for messages about a provider only.
     */
    public record MessageHeader(String messageId, String referenceId, String senderOrgnr, String senderUnit, String recipientOrgnr,
            String recipientKommunkod, String recipientUnit, OffsetDateTime created, Personnummer person) {}

    /** What goes to one recipient: where, under which verdict, and (after transform) the signed document. */
    public static final class Delivery {
        private final Recipient recipient;
        private final Verdict verdict;
        private String xml;
        private List<String> withheld = List.of();

        public Delivery(Recipient recipient, Verdict verdict) {
            this.recipient = recipient;
            this.verdict = verdict;
        }

        public Recipient recipient() { return recipient; }
        public Verdict verdict() { return verdict; }
        public String xml() { return xml; }
        /** The paths minimisation removed from this recipient's copy. */
        public List<String> withheld() { return withheld; }
        public void transformed(String xml, List<String> withheld) { this.xml = xml; this.withheld = List.copyOf(withheld); }
    }
}
