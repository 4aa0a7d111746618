package se.assistansbryggan.intake;

import javax.xml.stream.XMLStreamException;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.phase.Phase;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Refusal;
import se.assistansbryggan.message.RefusedException;
import se.assistansbryggan.message.SecureXml;
import se.assistansbryggan.message.Submission;

/**
 * The SOAP door's last word on a request that never reaches the route, because CXF could not read
 * it (not XML, a broken envelope, no matching operation): the SOAP fault carries the gateway's
 * signed Kvittens as its detail, with a stable code, like every other refusal.
 */
public final class SoapRefusals extends AbstractSoapInterceptor {
    private final Receipts receipts;

    public SoapRefusals(Receipts receipts) {
        super(Phase.PREPARE_SEND);
        this.receipts = receipts;
    }

    @Override
    public void handleMessage(SoapMessage message) {
        if (!(message.getContent(Exception.class) instanceof Fault fault)) {
            return;
        }
        RefusedException refusal = malformed(fault)
                ? Refusal.XML_MALFORMED.because("the SOAP request is not well-formed XML")
                : Refusal.UNSUPPORTED_MESSAGE_TYPE.because("the SOAP request does not match the intake service (schemas/intake.wsdl)");
        Document receipt = receipts.refusal(refusal, new Submission("soap", null), fault);
        Element detail = fault.getOrCreateDetail();
        detail.appendChild(detail.getOwnerDocument().importNode(receipt.getDocumentElement(), true));
        fault.setMessage(refusal.refusal().name() + ": " + refusal.refusal().sentence());
        fault.setFaultCode(org.apache.cxf.binding.soap.Soap11.getInstance().getSender());
    }

    /**
     * A whole SOAP 1.1 envelope whose body is the signed receipt, the operation's normal output:
     * how the SOAP door answers a refusal made before the route (too large, too slow, over the
     * sender's share), with HTTP 200 as every other refusal on the SOAP door.
     */
    public static byte[] outputEnvelope(Document receipt) {
        String soapNs = "http://schemas.xmlsoap.org/soap/envelope/";
        Document envelope = SecureXml.newDocument();
        Element root = envelope.createElementNS(soapNs, "soap:Envelope");
        envelope.appendChild(root);
        root.appendChild(envelope.createElementNS(soapNs, "soap:Body")).appendChild(envelope.importNode(receipt.getDocumentElement(), true));
        return SecureXml.serialize(envelope);
    }

    private static boolean malformed(Throwable fault) {
        for (Throwable t = fault; t != null; t = t.getCause()) {
            if (t instanceof XMLStreamException || t instanceof org.xml.sax.SAXParseException) {
                return true;
            }
        }
        return false;
    }
}
