package org.blindmatch.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The architecture rules every module's build checks on its own main code (docs/ARCHITECTURE.md):
 * no cycle between its packages, and no use of the packages it must not see. The Maven enforcer
 * rule in each module's pom checks the same boundary on declared dependencies; this checks the
 * code (a class reached through reflection or a transitive jar would pass the enforcer).
 */
public final class ModuleRules {
  private ModuleRules() {}

  /**
   * Fails (AssertionError, naming every offending class and cycle) unless the main classes under
   * {@code rootPackage} have no package cycle and use nothing under {@code forbidden}.
   *
   * @param rootPackage a module's root package, e.g. {@code org.blindmatch.server}
   * @param forbidden package prefixes the module's code must not use, e.g. {@code io.grpc}
   */
  public static void check(String rootPackage, String... forbidden) {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages(rootPackage);
    if (classes.isEmpty()) {
      throw new AssertionError("no main classes found under " + rootPackage);
    }
    // One slice per package (the capture is the package's name below the parent of the root,
    // so a module with a single package still has one slice and the rule checks something).
    String parent = rootPackage.substring(0, rootPackage.lastIndexOf('.'));
    slices().matching(parent + ".(**)").should().beFreeOfCycles().check(classes);
    if (forbidden.length > 0) {
      String[] patterns = new String[forbidden.length];
      for (int i = 0; i < forbidden.length; i++) {
        patterns[i] = forbidden[i] + "..";
      }
      noClasses().should().dependOnClassesThat().resideInAnyPackage(patterns).check(classes);
    }
  }
}
