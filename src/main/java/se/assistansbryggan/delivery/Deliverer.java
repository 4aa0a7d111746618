package se.assistansbryggan.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import se.assistansbryggan.intake.Submission;

/**
 * Delivery station: puts the signed, transformed document in the body and says where it goes.
 * The route sends it persistently to the recipient's queue; the JMS send returns only once the
 * broker has stored it (blocking durable send), so the receipt that follows is truthful.
 * The broker's duplicate-id cache drops a second copy of the same message for the same recipient.
 */
public final class Deliverer {
    /** Exchange property naming the destination queue, used by the route's {@code toD}. */
    public static final String QUEUE = "recipientQueue";
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    public void prepare(Exchange exchange) {
        Submission submission = exchange.getProperty(Submission.PROPERTY, Submission.class);
        String messageId = submission.messageId().orElseThrow();
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setBody(submission.deliveredXml());
        out.setHeader("AbMessageId", messageId);
        out.setHeader("AbMessageType", submission.type().name());
        out.setHeader("AbSender", submission.sender().id());
        out.setHeader("AbRecipient", submission.recipient().id());
        out.setHeader("AbRules", String.join(",", submission.verdict().rules()));
        out.setHeader("AbLegalBasis", String.join(" | ", submission.verdict().legalBasis()));
        out.setHeader(DUPLICATE_ID, messageId + "/" + submission.recipient().id());
        exchange.setProperty(QUEUE, submission.recipient().queue());
    }
}
