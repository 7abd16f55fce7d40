package org.recallctl.milvus;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A VARCHAR column of an import, as a NumPy {@code <U n} file whose width {@code n} is the longest value
 * actually written, not the schema's max_length. NumPy unicode is fixed-width UTF-32: at max_length 64 every
 * value costs 256 bytes, so a column of 8-character brands would be half the bytes of a 128-float vector,
 * written by the client and parsed by the data node for nothing (measured: docs/benchmarks.md, "Bulk import").
 * The width is known only at the end, so the values are staged as length-prefixed UTF-8 in a side file and
 * the .npy is written on close, one sequential pass. Not thread-safe.
 */
final class UnicodeNpyColumn implements AutoCloseable {
    private final Path file;
    private final Path staged;
    private final DataOutputStream out;
    private long rows;
    private int widest;
    private boolean closed;

    UnicodeNpyColumn(Path file) {
        this.file = file;
        this.staged = file.resolveSibling(file.getFileName() + ".staged");
        try {
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(staged), 64 * 1024));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write import file " + staged + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    long rows() {
        return rows;
    }

    void add(String value) {
        widest = Math.max(widest, value.codePointCount(0, value.length()));
        try {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write import file " + staged + ": " + e.getMessage(), e);
        }
        rows++;
    }

    /** NumPy has no zero-width unicode: a column of empty strings is {@code <U1}. */
    int width() {
        return Math.max(1, widest);
    }

    /** Writes the .npy at the width of the widest value and removes the staged side file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int width = width();
        try {
            out.close();
            try (NpyWriter npy = new NpyWriter(file, "<U" + width, "");
                 DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(staged),
                         64 * 1024))) {
                for (long r = 0; r < rows; r++) {
                    byte[] utf8 = new byte[in.readInt()];
                    in.readFully(utf8);
                    npy.putUnicode(new String(utf8, StandardCharsets.UTF_8), width);
                    npy.endRow();
                }
            }
            Files.delete(staged);
        } catch (EOFException e) {
            throw new IllegalStateException("import file " + staged + " holds fewer than " + rows + " values", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write import file " + file + ": " + e.getMessage(), e);
        }
    }
}
