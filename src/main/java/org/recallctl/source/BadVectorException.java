package org.recallctl.source;

/** A row whose vector cannot be published; {@link #getMessage()} is the short reason kept in the report. */
public class BadVectorException extends Exception {
    public BadVectorException(String reason) {
        super(reason, null, false, false); // no stack trace: thousands may be thrown during a build
    }
}
