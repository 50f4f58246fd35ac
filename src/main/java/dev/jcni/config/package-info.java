/**
 * Network configurations: parsing {@code .conflist} and {@code .conf} files from bytes or from a
 * directory, validation of names and plugin types, and linting (SPEC.md section 1).
 */
package dev.jcni.config;
