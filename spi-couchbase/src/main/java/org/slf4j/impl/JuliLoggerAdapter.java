package org.slf4j.impl;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MarkerIgnoringBase;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger writing to the JULI log of the same name; SLF4J's INFO goes to JULI's DEBUG (see
 * {@link StaticLoggerBinder}).
 */
final class JuliLoggerAdapter extends MarkerIgnoringBase {

    private static final long serialVersionUID = 1L;

    private final transient Log log;

    JuliLoggerAdapter(String name) {
        this.name = name;
        this.log = LogFactory.getLog(name);
    }

    @Override
    public boolean isTraceEnabled() {
        return log.isTraceEnabled();
    }

    @Override
    public void trace(String msg) {
        if (log.isTraceEnabled()) {
            log.trace(msg);
        }
    }

    @Override
    public void trace(String format, Object arg) {
        if (log.isTraceEnabled()) {
            writeTrace(MessageFormatter.format(format, arg));
        }
    }

    @Override
    public void trace(String format, Object arg1, Object arg2) {
        if (log.isTraceEnabled()) {
            writeTrace(MessageFormatter.format(format, arg1, arg2));
        }
    }

    @Override
    public void trace(String format, Object... arguments) {
        if (log.isTraceEnabled()) {
            writeTrace(MessageFormatter.arrayFormat(format, arguments));
        }
    }

    @Override
    public void trace(String msg, Throwable t) {
        if (log.isTraceEnabled()) {
            log.trace(msg, t);
        }
    }

    private void writeTrace(FormattingTuple tuple) {
        log.trace(tuple.getMessage(), tuple.getThrowable());
    }

    @Override
    public boolean isDebugEnabled() {
        return log.isDebugEnabled();
    }

    @Override
    public void debug(String msg) {
        if (log.isDebugEnabled()) {
            log.debug(msg);
        }
    }

    @Override
    public void debug(String format, Object arg) {
        if (log.isDebugEnabled()) {
            writeDebug(MessageFormatter.format(format, arg));
        }
    }

    @Override
    public void debug(String format, Object arg1, Object arg2) {
        if (log.isDebugEnabled()) {
            writeDebug(MessageFormatter.format(format, arg1, arg2));
        }
    }

    @Override
    public void debug(String format, Object... arguments) {
        if (log.isDebugEnabled()) {
            writeDebug(MessageFormatter.arrayFormat(format, arguments));
        }
    }

    @Override
    public void debug(String msg, Throwable t) {
        if (log.isDebugEnabled()) {
            log.debug(msg, t);
        }
    }

    private void writeDebug(FormattingTuple tuple) {
        log.debug(tuple.getMessage(), tuple.getThrowable());
    }

    @Override
    public boolean isInfoEnabled() {
        return log.isDebugEnabled();
    }

    @Override
    public void info(String msg) {
        if (log.isDebugEnabled()) {
            log.debug(msg);
        }
    }

    @Override
    public void info(String format, Object arg) {
        if (log.isDebugEnabled()) {
            writeInfo(MessageFormatter.format(format, arg));
        }
    }

    @Override
    public void info(String format, Object arg1, Object arg2) {
        if (log.isDebugEnabled()) {
            writeInfo(MessageFormatter.format(format, arg1, arg2));
        }
    }

    @Override
    public void info(String format, Object... arguments) {
        if (log.isDebugEnabled()) {
            writeInfo(MessageFormatter.arrayFormat(format, arguments));
        }
    }

    @Override
    public void info(String msg, Throwable t) {
        if (log.isDebugEnabled()) {
            log.debug(msg, t);
        }
    }

    private void writeInfo(FormattingTuple tuple) {
        log.debug(tuple.getMessage(), tuple.getThrowable());
    }

    @Override
    public boolean isWarnEnabled() {
        return log.isWarnEnabled();
    }

    @Override
    public void warn(String msg) {
        if (log.isWarnEnabled()) {
            log.warn(msg);
        }
    }

    @Override
    public void warn(String format, Object arg) {
        if (log.isWarnEnabled()) {
            writeWarn(MessageFormatter.format(format, arg));
        }
    }

    @Override
    public void warn(String format, Object arg1, Object arg2) {
        if (log.isWarnEnabled()) {
            writeWarn(MessageFormatter.format(format, arg1, arg2));
        }
    }

    @Override
    public void warn(String format, Object... arguments) {
        if (log.isWarnEnabled()) {
            writeWarn(MessageFormatter.arrayFormat(format, arguments));
        }
    }

    @Override
    public void warn(String msg, Throwable t) {
        if (log.isWarnEnabled()) {
            log.warn(msg, t);
        }
    }

    private void writeWarn(FormattingTuple tuple) {
        log.warn(tuple.getMessage(), tuple.getThrowable());
    }

    @Override
    public boolean isErrorEnabled() {
        return log.isErrorEnabled();
    }

    @Override
    public void error(String msg) {
        if (log.isErrorEnabled()) {
            log.error(msg);
        }
    }

    @Override
    public void error(String format, Object arg) {
        if (log.isErrorEnabled()) {
            writeError(MessageFormatter.format(format, arg));
        }
    }

    @Override
    public void error(String format, Object arg1, Object arg2) {
        if (log.isErrorEnabled()) {
            writeError(MessageFormatter.format(format, arg1, arg2));
        }
    }

    @Override
    public void error(String format, Object... arguments) {
        if (log.isErrorEnabled()) {
            writeError(MessageFormatter.arrayFormat(format, arguments));
        }
    }

    @Override
    public void error(String msg, Throwable t) {
        if (log.isErrorEnabled()) {
            log.error(msg, t);
        }
    }

    private void writeError(FormattingTuple tuple) {
        log.error(tuple.getMessage(), tuple.getThrowable());
    }
}
