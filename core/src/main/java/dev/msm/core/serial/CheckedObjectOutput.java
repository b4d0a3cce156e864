package dev.msm.core.serial;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.Set;

/**
 * Java serialization that notes every class it writes which {@link FilteredObjectInput} would refuse with the same
 * allow-list, so that the Tomcat writing a session already reports what the Tomcats reading it will refuse.
 * {@code annotateClass} is called once per class descriptor in the stream (superclasses and array classes
 * included), so the check costs one lookup per class, not per object.
 */
public final class CheckedObjectOutput extends ObjectOutputStream {

    private final ClassAllowList allowList;
    private final Set<String> refused;

    /**
     * @param refused receives the names of refused classes (an array's element class); {@code null}: no check
     */
    public CheckedObjectOutput(OutputStream out, ClassAllowList allowList, Set<String> refused) throws IOException {
        super(out);
        this.allowList = allowList;
        this.refused = refused;
    }

    @Override
    protected void annotateClass(Class<?> type) {
        if (refused != null && !allowList.allows(type)) {
            refused.add(FilteredObjectInput.elementName(type));
        }
    }

    @Override
    protected void annotateProxyClass(Class<?> type) {
        if (refused != null) {
            for (Class<?> i : type.getInterfaces()) {
                if (!allowList.allows(i)) {
                    refused.add(i.getName());
                }
            }
        }
    }
}
