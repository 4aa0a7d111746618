package se.assistansbryggan.intake;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.cxf.binding.soap.SoapHeader;
import org.apache.cxf.security.transport.TLSSessionInfo;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.Submission;

/**
 * The two doors into intake: the SOAP service (WSDL {@code schemas/intake.wsdl}, PAYLOAD mode)
 * and the plain {@code POST /messages} (read by the server, {@code app.PostDoor}). Each turns its
 * request into the raw document bytes plus the TLS client certificate, and the SOAP door the
 * receipt back into its response. They never refuse: an oversize body is read only to one byte
 * past the limit, and the intake route refuses it.
 */
public final class Channels {

    /**
     * The plain door's request as intake takes it, from whichever server read it: the body (at
     * most one byte past the limit), the TLS client's chain (its certificate first) and the
     * declared content type.
     */
    public void fromPostRequest(Exchange exchange, byte[] body, List<X509Certificate> clientChain, String contentType) {
        begin(exchange, "post", body, clientChain);
        exchange.getProperty(Submission.PROPERTY, Submission.class).declaredContentType(contentType);
    }

    public void fromSoap(Exchange exchange) {
        begin(exchange, "soap", soapDocument(exchange), clientChain(exchange));
    }

    /** The document inside the Inlamning wrapper; a body that cannot be read gives nothing, which intake refuses. */
    private static byte[] soapDocument(Exchange exchange) {
        try {
            CxfPayload<?> payload = exchange.getIn().getBody(CxfPayload.class);
            Element wrapper = payload == null || payload.getBody().isEmpty() ? null : payload.getBody().get(0);
            Element document = wrapper == null ? null : Dom.firstElement(wrapper);
            return document == null ? new byte[0] : SecureXml.serialize(document);
        } catch (RuntimeException unreadable) {
            return new byte[0];
        }
    }

    public void toSoap(Exchange exchange) {
        Document receipt = SecureXml.parse(exchange.getMessage().getBody(byte[].class));
        exchange.getMessage().getHeaders().remove(Exchange.HTTP_RESPONSE_CODE);
        exchange.getMessage().setBody(new CxfPayload<SoapHeader>(null, List.of(receipt.getDocumentElement())));
    }

    private static void begin(Exchange exchange, String channel, byte[] bytes, List<X509Certificate> chain) {
        Submission submission = new Submission(channel, chain.isEmpty() ? null : chain.get(0));
        submission.presentedIssuers(chain.isEmpty() ? List.of() : chain.subList(1, chain.size()));
        exchange.setProperty(Submission.PROPERTY, submission);
        exchange.getMessage().setBody(bytes);
    }

    /** The TLS client's certificate chain as it presented it to CXF: its certificate first, then its issuing CAs. */
    private static List<X509Certificate> clientChain(Exchange exchange) {
        var cxf = exchange.getIn().getHeader(CxfConstants.CAMEL_CXF_MESSAGE, org.apache.cxf.message.Message.class);
        TLSSessionInfo tls = cxf == null ? null : cxf.get(TLSSessionInfo.class);
        Certificate[] peer = tls == null ? null : tls.getPeerCertificates();
        List<X509Certificate> chain = new java.util.ArrayList<>();
        for (Certificate c : peer == null ? new Certificate[0] : peer) {
            if (c instanceof X509Certificate x) {
                chain.add(x);
            }
        }
        return chain;
    }
}
