/**
 * Finding plugins strictly inside CNI_PATH, building their environment and standard input,
 * launching them with deadlines and bounded output (SPEC.md section 2).
 */
package dev.jcni.invoke;
