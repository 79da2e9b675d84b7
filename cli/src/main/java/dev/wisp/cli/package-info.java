/**
 * The {@code wisp} command (picocli): local commands that run parts in-process ({@code setup},
 * {@code run}, {@code serve}, {@code up}, {@code demo}, {@code image build}, {@code bench},
 * {@code plan}) and control-plane commands that go through the SDK ({@code deploy}, {@code ls},
 * {@code status}, {@code logs}, {@code events}, {@code scale}, ...). Exit codes are in the README.
 */
package dev.wisp.cli;
