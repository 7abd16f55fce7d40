package org.recallctl.cli;

import java.io.File;
import java.io.IOException;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes one AsciiDoc man page per command from the live command model with picocli's {@link ManPageGenerator}; the
 * build turns them into troff pages for {@code man} (asciidoctor, manpage backend) and puts them into the
 * distribution's man/man1/. Runs at build time only: picocli-codegen is not in the shipped jar.
 */
public final class ManPages {
    private ManPages() {
    }

    public static void main(String[] args) throws IOException {
        File dir = new File(args.length > 0 ? args[0] : "target/man-adoc");
        if (!dir.isDirectory() && !dir.mkdirs()) {
            throw new IOException("cannot create " + dir);
        }
        int rc = ManPageGenerator.generateManPage(dir, null, new boolean[0], true, CommandLineFactory.detached().getCommandSpec());
        if (rc != 0) {
            throw new IOException("ManPageGenerator exited " + rc);
        }
    }
}
