/** How untrusted text is written into messages and log lines (not exported). */
package dev.jcni.internal.text;
