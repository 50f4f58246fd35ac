/** The {@code jcni} command-line tool: parses arguments, calls the library, prints. */
package dev.jcni.cli;
