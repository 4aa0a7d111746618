package se.assistansbryggan.message;

/**
 * Every reason the gateway refuses a message, with a stable code and who is at fault. The code
 * is the contract with senders; the sentence is for the person reading the receipt.
 */
public enum Refusal {
    MESSAGE_TOO_LARGE(Blame.SENDER, 413, "the message is larger than the gateway accepts"),
    CONTENT_TYPE_UNSUPPORTED(Blame.SENDER, 415, "send the document as application/xml or text/xml"),
    XML_LIMIT_EXCEEDED(Blame.SENDER, 400, "the document nests too deep or has too many attributes or too long names"),
    XML_MALFORMED(Blame.SENDER, 400, "the body is not well-formed XML"),
    XML_FORBIDDEN_CONSTRUCT(Blame.SENDER, 400, "the document contains a DTD or an entity declaration, which are not allowed"),
    SCHEMA_INVALID(Blame.SENDER, 400, "the document is not valid against its schema"),
    UNSUPPORTED_MESSAGE_TYPE(Blame.SENDER, 400, "the gateway does not accept this kind of document"),
    SCHEMA_FAMILY_MISMATCH(Blame.SENDER, 400,
            "write the message in your own schema family: kommuner the municipal one, FK and IVO the FK one"),
    SIGNATURE_MISSING(Blame.SENDER, 400, "the document carries no enveloped XML signature"),
    SIGNATURE_INVALID(Blame.SENDER, 400, "the signature does not verify"),
    SIGNATURE_POLICY_VIOLATED(Blame.SENDER, 400,
            "the signature must cover the whole document with exclusive canonicalisation and SHA-256"),
    ALGORITHM_REJECTED(Blame.SENDER, 400,
            "a weak algorithm or key: SHA-1, MD5, RSA below 2048 bits and EC below 256 bits are refused"),
    CERT_UNTRUSTED(Blame.SENDER, 403, "the signing certificate does not chain to a trusted authority"),
    CERT_EXPIRED(Blame.SENDER, 403, "the signing certificate is expired or not yet valid"),
    CERT_REVOKED(Blame.SENDER, 403, "the signing certificate is revoked"),
    CERT_REVOCATION_UNKNOWN(Blame.SENDER, 403,
            "the certificate's revocation status cannot be determined; the gateway does not accept it unconfirmed"),
    CERT_KEY_USAGE(Blame.SENDER, 403, "the certificate is not issued for this use (key usage)"),
    CLIENT_CERT_MISSING(Blame.SENDER, 403, "the connection carries no TLS client certificate"),
    CLIENT_CERT_MISMATCH(Blame.SENDER, 403,
            "the TLS client certificate belongs to another organisation than the signer"),
    SENDER_MISMATCH(Blame.SENDER, 403, "the document is signed by another organisation than the declared sender"),
    UNKNOWN_SENDER(Blame.SENDER, 403, "the sending organisation is not in the party directory"),
    SENDER_NOT_ALLOWED(Blame.SENDER, 403, "this party may not send this type of message"),
    UNKNOWN_RECIPIENT(Blame.SENDER, 400, "the recipient is not in the party directory"),
    RECIPIENT_NOT_ALLOWED(Blame.SENDER, 400, "this type of message may not be sent to this recipient"),
    REFERENCE_MISSING(Blame.SENDER, 400, "this type of message must refer to the earlier message it answers"),
    CONSENT_MISSING(Blame.SENDER, 403, "the person has not consented to this disclosure, or the consent has expired or was withdrawn"),
    NOT_TRANSFERABLE(Blame.SENDER, 422,
            "this decision stays with the kommun: it concerns a gruppbostad or assistance beyond assistansersättning"),
    STALE_MESSAGE(Blame.SENDER, 400, "the creation time is outside the accepted window; check the sender's clock"),
    DUPLICATE(Blame.SENDER, 409, "a message with this id was already accepted; the earlier one stands and is delivered once"),
    DUPLICATE_CONFLICT(Blame.SENDER, 409,
            "this message id was already used for a message with other content; give a new message a new id"),
    RATE_LIMITED(Blame.SENDER, 429,
            "your organisation has as many requests in progress as the gateway serves for one party; send again after Retry-After"),
    REQUEST_TIMEOUT(Blame.SENDER, 408, "the request's body did not arrive within the time the gateway waits for it; send it again"),
    BROKER_UNAVAILABLE(Blame.GATEWAY, 503, "the message could not be stored; send it again"),
    INTERNAL_ERROR(Blame.GATEWAY, 500, "the gateway failed to process the message; send it again or contact the operators");

    /** Whether the sender can fix it (SENDER) or should simply retry later (GATEWAY). */
    public enum Blame { SENDER, GATEWAY }

    private final Blame blame;
    private final int httpStatus;
    private final String sentence;

    Refusal(Blame blame, int httpStatus, String sentence) {
        this.blame = blame;
        this.httpStatus = httpStatus;
        this.sentence = sentence;
    }

    public Blame blame() {
        return blame;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String sentence() {
        return sentence;
    }

    /** An exception carrying this refusal, with detail for the receipt (never personal data). */
    public RefusedException because(String detail) {
        return new RefusedException(this, detail, null);
    }

    public RefusedException because(String detail, Throwable cause) {
        return new RefusedException(this, detail, cause);
    }
}
