package dev.wisp.cli;

import dev.wisp.testing.VmTests;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A CLI test class with real microVMs: one instance for the class, so that what its
 * {@code @BeforeAll} sets up beside the {@link CliControlPlane} serves every test; skipped when VM
 * tests are off.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
@interface CliVmTest {}
