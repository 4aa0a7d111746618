package se.assistansbryggan.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A private key with its certificate chain, read from a PKCS#12 keystore. */
public record KeyMaterial(PrivateKey privateKey, X509Certificate certificate, List<X509Certificate> chain) {

    /** Reads the first key entry of a PKCS#12 file. */
    public static KeyMaterial fromPkcs12(Path file, char[] password) {
        KeyStore store = loadPkcs12(file, password);
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) store.getKey(alias, password);
                    List<X509Certificate> chain = new ArrayList<>();
                    for (var c : store.getCertificateChain(alias)) {
                        chain.add((X509Certificate) c);
                    }
                    return new KeyMaterial(key, chain.get(0), List.copyOf(chain));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key in " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("no key entry in " + file);
    }

    /** Loads a PKCS#12 keystore or truststore. */
    public static KeyStore loadPkcs12(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot open keystore " + file + ": " + e.getMessage(), e);
        }
    }

    /** The trusted certificates of a PKCS#12 truststore. */
    public static List<X509Certificate> trustedCertificates(Path file, char[] password) {
        KeyStore store = loadPkcs12(file, password);
        List<X509Certificate> anchors = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isCertificateEntry(alias)) {
                    anchors.add((X509Certificate) store.getCertificate(alias));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read truststore " + file, e);
        }
        if (anchors.isEmpty()) {
            throw new IllegalStateException("no trusted certificate in " + file);
        }
        return anchors;
    }
}
