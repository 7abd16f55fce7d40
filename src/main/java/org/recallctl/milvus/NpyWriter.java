package org.recallctl.milvus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one NumPy {@code .npy} file (format 1.0) of one field, row after row, without knowing the row count in
 * advance: the header is written with room for the largest count and rewritten with the real one on close
 * (padding a header with spaces before its newline is part of the format). Values go out little-endian, as
 * the descriptor says, straight from primitives through a small buffer: no per-row object, no text.
 * Not thread-safe.
 */
public final class NpyWriter implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;
    private final Path file;
    private final FileChannel out;
    private final String descr;
    private final String trailingShape;
    private final int headerBytes;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long rows;
    private boolean closed;

    /**
     * @param descr         NumPy dtype, e.g. {@code <i8}, {@code <f4}, {@code |b1}, {@code <U64}
     * @param trailingShape the shape after the row count: empty for a column of scalars, {@code ", 128"} for
     *                      vectors of 128 floats
     */
    public NpyWriter(Path file, String descr, String trailingShape) {
        this.file = file;
        this.descr = descr;
        this.trailingShape = trailingShape;
        this.headerBytes = header(Long.MAX_VALUE, 0).length;
        try {
            this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            out.write(ByteBuffer.wrap(header(0, headerBytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write import file " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public long rows() {
        return rows;
    }

    /** One row is complete (its values were put). */
    public void endRow() {
        rows++;
    }

    public void putLong(long v) {
        room(8).putLong(v);
    }

    public void putInt(int v) {
        room(4).putInt(v);
    }

    public void putShort(short v) {
        room(2).putShort(v);
    }

    public void putByte(byte v) {
        room(1).put(v);
    }

    public void putFloat(float v) {
        room(4).putFloat(v);
    }

    public void putDouble(double v) {
        room(8).putDouble(v);
    }

    public void putFloats(float[] v) {
        for (float f : v) {
            room(4).putFloat(f);
        }
    }

    /** A fixed-width NumPy unicode value ({@code <U width}): UTF-32LE code points, NUL padded. */
    public void putUnicode(String s, int width) {
        int n = 0;
        for (int i = 0; i < s.length() && n < width; n++) {
            int cp = s.codePointAt(i);
            room(4).putInt(cp);
            i += Character.charCount(cp);
        }
        for (; n < width; n++) {
            room(4).putInt(0);
        }
    }

    private ByteBuffer room(int bytes) {
        if (buf.remaining() < bytes) {
            flushBuffer();
        }
        return buf;
    }

    private void flushBuffer() {
        buf.flip();
        try {
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write import file " + file + ": " + e.getMessage(), e);
        }
        buf.clear();
    }

    /** Flushes the values and writes the real row count into the header. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (out) {
            flushBuffer();
            out.write(ByteBuffer.wrap(header(rows, headerBytes)), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write import file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Magic, version 1.0, header length, the dict padded with spaces to {@code size} bytes (or to 64) + '\n'. */
    private byte[] header(long n, int size) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + n
                + (trailingShape.isEmpty() ? "," : trailingShape) + "), }";
        int prefix = 10; // \x93NUMPY, major, minor, uint16 length
        int total = size > 0 ? size : ((prefix + dict.length() + 1 + 63) / 64) * 64;
        StringBuilder h = new StringBuilder(dict);
        while (prefix + h.length() + 1 < total) {
            h.append(' ');
        }
        h.append('\n');
        byte[] text = h.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(prefix + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) text.length).put(text);
        return b.array();
    }
}
