package se.assistansbryggan.intake;

import java.security.cert.X509Certificate;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.w3c.dom.Document;
import se.assistansbryggan.policy.MessageType;
import se.assistansbryggan.policy.Party;
import se.assistansbryggan.policy.Verdict;
import se.assistansbryggan.trust.Personnummer;

/**
 * One message on its way through the stations. Each station fills in what it established;
 * later stations read it. Lives in the exchange property {@value #PROPERTY}.
 */
public final class Submission {
    public static final String PROPERTY = "submission";

    private final long startedNanos = System.nanoTime();
    private final String channel;
    private final X509Certificate clientCertificate;
    private String declaredContentType;
    private Document document;
    private MessageHeader header;
    private MessageType type;
    private X509Certificate signer;
    private byte[] originalDigest;
    private byte[] contentDigest;
    private String receiptXml;
    private boolean replayed;
    private Party sender;
    private Party recipient;
    private Verdict verdict;
    private String deliveredXml;

    public Submission(String channel, X509Certificate clientCertificate) {
        this.channel = channel;
        this.clientCertificate = clientCertificate;
    }

    public String channel() { return channel; }
    /** How long since the request arrived. */
    public java.time.Duration elapsed() { return java.time.Duration.ofNanos(System.nanoTime() - startedNanos); }
    public Optional<X509Certificate> clientCertificate() { return Optional.ofNullable(clientCertificate); }
    public Document document() { return document; }
    public MessageHeader header() { return header; }
    public MessageType type() { return type; }
    public X509Certificate signer() { return signer; }
    public byte[] originalDigest() { return originalDigest.clone(); }
    public Party sender() { return sender; }
    public Party recipient() { return recipient; }
    public Verdict verdict() { return verdict; }
    public String deliveredXml() { return deliveredXml; }

    /** The message id, once the header has been read. */
    public Optional<String> messageId() {
        return Optional.ofNullable(header).map(MessageHeader::messageId);
    }

    /** The Content-Type the sender declared, where its door has one (POST); null for SOAP. */
    public Optional<String> declaredContentType() { return Optional.ofNullable(declaredContentType); }

    void declaredContentType(String contentType) { this.declaredContentType = contentType; }

    void parsed(Document document, MessageType type, MessageHeader header) {
        this.document = document;
        this.type = type;
        this.header = header;
    }

    public void signedBy(X509Certificate signer, byte[] originalDigest, byte[] contentDigest) {
        this.signer = signer;
        this.originalDigest = originalDigest.clone();
        this.contentDigest = contentDigest.clone();
    }

    /** SHA-256 of the signed content (the signature's reference digest): equal for a resend of the same message. */
    public byte[] contentDigest() { return contentDigest.clone(); }

    /** The signed ACCEPTED receipt, made before the hand-off and stored with it. */
    public String receiptXml() { return receiptXml; }
    public void receiptMade(String receiptXml) { this.receiptXml = receiptXml; }

    /** True when this is a resend of a message already accepted: the answer is the original receipt. */
    public boolean replayed() { return replayed; }
    public void replayOf(String originalReceiptXml) { this.receiptXml = originalReceiptXml; this.replayed = true; }

    public void sentBy(Party sender) { this.sender = sender; }
    public void decided(Party recipient, Verdict verdict) { this.recipient = recipient; this.verdict = verdict; }
    public void transformed(String deliveredXml) { this.deliveredXml = deliveredXml; }

    /** The envelope fields every FK-family message carries in its Huvud. */
    public record MessageHeader(String messageId, String referenceId, String senderOrgnr, String recipientOrgnr,
            String recipientKommunkod, String recipientUnit, OffsetDateTime created, Personnummer person) {}
}
