package dev.kvtier.cli;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.kvtier.model.cache.BlockCache;

import java.io.Serializable;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Date;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.Timer;
import java.util.TimerTask;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.stream.BaseStream;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture rules of DESIGN.md and docs/architecture.md, checked on the production classes of every module
 * this one sees (all but bench): what {@code model} may not touch, which way modules depend, no package cycles,
 * seeded randomness, and policy code only in {@code model}.
 */
@AnalyzeClasses(packages = "dev.kvtier", importOptions = ImportOption.DoNotIncludeTests.class)
final class ArchitectureTest
{
    private static final String MODEL = "dev.kvtier.model..";
    private static final String SIM = "dev.kvtier.sim..";
    private static final String LIVE = "dev.kvtier.live..";
    private static final String CLI = "dev.kvtier.cli..";
    private static final String TRANSPORT_SIM = "dev.kvtier.transport.sim..";
    private static final String TRANSPORT_TCP = "dev.kvtier.transport.tcp..";
    private static final String TRANSPORT_RDMA = "dev.kvtier.transport.rdma..";
    private static final String WORKLOADS = "dev.kvtier.workloads..";

    /**
     * Files, streams, channels, sockets and processes. Exception types (a port may declare {@code IOException})
     * and the {@link Serializable} marker describe I/O without doing any, so they are allowed.
     */
    private static final DescribedPredicate<JavaClass> IO = resideInAnyPackage(
        "java.io..", "java.nio.channels..", "java.nio.file..", "java.net..")
        .and(DescribedPredicate.not(assignableTo(Throwable.class)))
        .and(DescribedPredicate.not(equivalentTo(Serializable.class)))
        .or(assignableTo(Process.class)).or(equivalentTo(ProcessBuilder.class)).or(equivalentTo(Runtime.class))
        .as("are I/O classes (java.io except exceptions and Serializable, java.nio.channels, java.nio.file, java.net, "
            + "processes)");

    /** Threads, executors, locks, atomics, timers and anything else of java.util.concurrent. */
    private static final DescribedPredicate<JavaClass> THREADS = resideInAPackage("java.util.concurrent..")
        .or(assignableTo(Thread.class)).or(assignableTo(ThreadGroup.class)).or(assignableTo(ThreadLocal.class))
        .or(assignableTo(Timer.class)).or(assignableTo(TimerTask.class))
        .as("are threads (java.lang.Thread, ThreadLocal, java.util.Timer, java.util.concurrent..)");

    /** {@code parallel()} on a stream or {@code parallelStream()} on a collection: the common pool's threads. */
    private static final DescribedPredicate<JavaMethodCall> PARALLEL_STREAM = describe("a parallel stream",
        call -> call.getTarget().getName().equals("parallel")
            && call.getTargetOwner().isAssignableTo(BaseStream.class)
            || call.getTarget().getName().equals("parallelStream")
            && call.getTargetOwner().isAssignableTo(Collection.class));

    /** Any {@code now()} of java.time ({@code Instant.now}, {@code LocalDateTime.now}, ...). */
    private static final DescribedPredicate<JavaMethodCall> JAVA_TIME_NOW = describe("java.time now()",
        call -> call.getTarget().getName().equals("now")
            && call.getTargetOwner().getPackageName().startsWith("java.time"));

    /** {@code RandomGenerator.getDefault()} and {@code RandomGenerator.of(name)}: generators seeded from entropy. */
    private static final DescribedPredicate<JavaMethodCall> UNSEEDED_GENERATOR = describe(
        "RandomGenerator.getDefault() or of(name)",
        call -> call.getTargetOwner().isEquivalentTo(RandomGenerator.class)
            && (call.getTarget().getName().equals("getDefault") || call.getTarget().getName().equals("of")));

    @ArchTest
    static final ArchRule MODEL_DOES_NO_IO = noClasses().that().resideInAPackage(MODEL)
        .should().dependOnClassesThat(IO)
        .because("model/ must not hold I/O: runtimes and adapters do it and hand nodes messages (DESIGN.md)");

    @ArchTest
    static final ArchRule MODEL_STARTS_NO_THREADS = noClasses().that().resideInAPackage(MODEL)
        .should().dependOnClassesThat(THREADS)
        .orShould().callMethodWhere(PARALLEL_STREAM)
        .because("a node is single-threaded: its runtime calls it from one thread (DESIGN.md)");

    @ArchTest
    static final ArchRule MODEL_READS_NO_CLOCK = noClasses().that().resideInAPackage(MODEL)
        .should().callMethod(System.class, "nanoTime")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethodWhere(JAVA_TIME_NOW)
        .orShould().dependOnClassesThat(assignableTo(InstantSource.class))
        .orShould().callConstructor(Date.class)
        .because("time is passed in (ctx.now()), never read (DESIGN.md)");

    @ArchTest
    static final ArchRule RANDOMNESS_IS_SEEDED = noClasses()
        .that().resideInAnyPackage(MODEL, SIM, TRANSPORT_SIM, WORKLOADS)
        .should().callConstructor(Random.class)
        .orShould().callConstructor(SplittableRandom.class)
        .orShould().callMethod(Math.class, "random")
        .orShould().callMethod(StrictMath.class, "random")
        .orShould().callMethod(UUID.class, "randomUUID")
        .orShould().callMethodWhere(UNSEEDED_GENERATOR)
        .orShould().dependOnClassesThat(assignableTo(SecureRandom.class))
        .because("randomness comes from seeded streams, so the same seed and input give byte-identical reports "
            + "(DESIGN.md)");

    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.kvtier.(*).(*)..")
        .should().beFreeOfCycles()
        .because("packages of a module build on each other one way (model.store with its subpackages is one "
            + "slice, so are transport.tcp, transport.rdma and transport.sim)");

    @ArchTest
    static final ArchRule MODULES_DEPEND_ONE_WAY = layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("model").definedBy(MODEL)
        .layer("transport-sim").definedBy(TRANSPORT_SIM)
        .layer("transport-tcp").definedBy(TRANSPORT_TCP)
        .layer("transport-rdma").definedBy(TRANSPORT_RDMA)
        .layer("workloads").definedBy(WORKLOADS)
        .layer("sim").definedBy(SIM)
        .layer("live").definedBy(LIVE)
        .layer("cli").definedBy(CLI)
        .whereLayer("model").mayNotAccessAnyLayer()
        .whereLayer("transport-sim").mayOnlyAccessLayers("model")
        .whereLayer("transport-tcp").mayOnlyAccessLayers("model")
        .whereLayer("transport-rdma").mayOnlyAccessLayers("model")
        .whereLayer("workloads").mayOnlyAccessLayers("model")
        .whereLayer("sim").mayOnlyAccessLayers("model", "transport-sim", "workloads")
        .whereLayer("live").mayOnlyAccessLayers("model", "transport-tcp", "transport-rdma", "workloads")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .because("model <- transport-sim, workloads <- sim <- cli and model <- transport-tcp, transport-rdma <- live "
            + "<- cli; "
            + "live reads workloads (bench-serving replays them) and uses sim only in its tests "
            + "(docs/architecture.md)");

    @ArchTest
    static final ArchRule CACHE_POLICIES_LIVE_IN_MODEL = classes().that().areAssignableTo(BlockCache.class)
        .should().resideInAPackage(MODEL)
        .because("eviction policies are model code; sim, live and cli only host them (DESIGN.md)");

    @ArchTest
    static final ArchRule CACHE_POLICIES_ARE_CHOSEN_BY_NAME = noClasses().that().resideOutsideOfPackage(MODEL)
        .should().dependOnClassesThat(assignableTo(BlockCache.class)
            .and(DescribedPredicate.not(equivalentTo(BlockCache.class))))
        .because("hosts pick an eviction policy through EvictionPolicy and use it as a BlockCache, never a "
            + "concrete policy class");

    @ArchTest
    static final ArchRule POLICY_TYPES_LIVE_IN_MODEL = classes()
        .that().haveSimpleNameEndingWith("Policy").or().haveSimpleNameEndingWith("Routing")
        .should().resideInAPackage(MODEL)
        .because("every policy lives in model/; sim, live and cli only host it (DESIGN.md)");

    private ArchitectureTest()
    {
    }
}
