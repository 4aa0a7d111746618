package se.assistansbryggan.policy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Element;
import se.assistansbryggan.message.Dom;
import se.assistansbryggan.message.SchemaFamily;
import se.assistansbryggan.message.Verdict;

/**
 * Data minimisation: carries out a {@link Verdict} on one recipient's copy of a message, in the
 * recipient's schema family. The envelope always stays; every other element stays only if its
 * path is on the allow-list (an allowed path keeps its subtree; a path on the way to an allowed
 * one keeps the element but not its other children), and never if the verdict withholds it.
 */
public final class Minimisation {
    private Minimisation() {}

    /** Removes what the recipient may not see; returns the paths removed, once each, for Leverans. */
    public static List<String> apply(Element root, SchemaFamily family, Verdict verdict) {
        Set<String> removed = new LinkedHashSet<>();
        for (Element child : Dom.elements(root)) {
            if (!child.getLocalName().equals(family.envelope())) {
                prune(child, child.getLocalName(), verdict, false, removed);
            }
        }
        return List.copyOf(removed);
    }

    private static void prune(Element element, String path, Verdict verdict, boolean allowedAbove, Set<String> removed) {
        if (withheld(element, path, verdict)) {
            remove(element, path, removed);
            return;
        }
        boolean allowed = allowedAbove || verdict.allowed().contains(path);
        if (!allowed && verdict.allowed().stream().noneMatch(a -> a.startsWith(path + "/"))) {
            remove(element, path, removed);
            return;
        }
        for (Element child : Dom.elements(element)) {
            prune(child, path + "/" + child.getLocalName(), verdict, allowed, removed);
        }
    }

    private static boolean withheld(Element element, String path, Verdict verdict) {
        return verdict.withhold().contains(path) || verdict.withhold().contains(element.getLocalName());
    }

    private static void remove(Element element, String path, Set<String> removed) {
        element.getParentNode().removeChild(element);
        removed.add(path);
    }
}
