package dev.kvtier.transport.rdma.ucp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every size, offset and constant {@link UcpLayout} assumes, compared with what a C compiler says for the installed
 * UCX headers ({@code libucx-dev}); skipped without a compiler or the headers. Hand-counted offsets have been wrong
 * before in verbs bindings; this test is what keeps the binding's structs honest when UCX or the ABI changes.
 */
class UcpLayoutTest
{
    private static final Map<String, Long> EXPECTED = new LinkedHashMap<>();

    static
    {
        EXPECTED.put("sizeof(ucp_params_t)", (long)UcpLayout.PARAMS_SIZE);
        EXPECTED.put("offsetof(ucp_params_t, field_mask)", (long)UcpLayout.PARAMS_FIELD_MASK);
        EXPECTED.put("offsetof(ucp_params_t, features)", (long)UcpLayout.PARAMS_FEATURES);
        EXPECTED.put("UCP_PARAM_FIELD_FEATURES", UcpLayout.PARAM_FIELD_FEATURES);
        EXPECTED.put("UCP_FEATURE_RMA", UcpLayout.FEATURE_RMA);
        EXPECTED.put("UCP_FEATURE_WAKEUP", UcpLayout.FEATURE_WAKEUP);
        EXPECTED.put("sizeof(ucp_worker_params_t)", (long)UcpLayout.WORKER_PARAMS_SIZE);
        EXPECTED.put("offsetof(ucp_worker_params_t, field_mask)", (long)UcpLayout.WORKER_PARAMS_FIELD_MASK);
        EXPECTED.put("offsetof(ucp_worker_params_t, thread_mode)", (long)UcpLayout.WORKER_PARAMS_THREAD_MODE);
        EXPECTED.put("sizeof(((ucp_worker_params_t *)0)->thread_mode)", 4L);
        EXPECTED.put("UCP_WORKER_PARAM_FIELD_THREAD_MODE", UcpLayout.WORKER_PARAM_FIELD_THREAD_MODE);
        EXPECTED.put("UCS_THREAD_MODE_SINGLE", (long)UcpLayout.THREAD_MODE_SINGLE);
        EXPECTED.put("sizeof(ucp_ep_params_t)", (long)UcpLayout.EP_PARAMS_SIZE);
        EXPECTED.put("offsetof(ucp_ep_params_t, field_mask)", (long)UcpLayout.EP_PARAMS_FIELD_MASK);
        EXPECTED.put("offsetof(ucp_ep_params_t, address)", (long)UcpLayout.EP_PARAMS_ADDRESS);
        EXPECTED.put("offsetof(ucp_ep_params_t, err_mode)", (long)UcpLayout.EP_PARAMS_ERR_MODE);
        EXPECTED.put("sizeof(((ucp_ep_params_t *)0)->err_mode)", 4L);
        EXPECTED.put("offsetof(ucp_ep_params_t, err_handler.cb)", (long)UcpLayout.EP_PARAMS_ERR_HANDLER_CB);
        EXPECTED.put("offsetof(ucp_ep_params_t, err_handler.arg)", (long)UcpLayout.EP_PARAMS_ERR_HANDLER_ARG);
        EXPECTED.put("UCP_EP_PARAM_FIELD_ERR_HANDLER", UcpLayout.EP_PARAM_FIELD_ERR_HANDLER);
        EXPECTED.put("UCP_EP_PARAM_FIELD_REMOTE_ADDRESS", UcpLayout.EP_PARAM_FIELD_REMOTE_ADDRESS);
        EXPECTED.put("UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE", UcpLayout.EP_PARAM_FIELD_ERR_HANDLING_MODE);
        EXPECTED.put("UCP_ERR_HANDLING_MODE_NONE", (long)UcpLayout.ERR_HANDLING_MODE_NONE);
        EXPECTED.put("UCP_ERR_HANDLING_MODE_PEER", (long)UcpLayout.ERR_HANDLING_MODE_PEER);
        EXPECTED.put("sizeof(ucp_mem_map_params_t)", (long)UcpLayout.MEM_MAP_PARAMS_SIZE);
        EXPECTED.put("offsetof(ucp_mem_map_params_t, field_mask)", (long)UcpLayout.MEM_MAP_PARAMS_FIELD_MASK);
        EXPECTED.put("offsetof(ucp_mem_map_params_t, address)", (long)UcpLayout.MEM_MAP_PARAMS_ADDRESS);
        EXPECTED.put("offsetof(ucp_mem_map_params_t, length)", (long)UcpLayout.MEM_MAP_PARAMS_LENGTH);
        EXPECTED.put("UCP_MEM_MAP_PARAM_FIELD_ADDRESS", UcpLayout.MEM_MAP_PARAM_FIELD_ADDRESS);
        EXPECTED.put("UCP_MEM_MAP_PARAM_FIELD_LENGTH", UcpLayout.MEM_MAP_PARAM_FIELD_LENGTH);
        EXPECTED.put("offsetof(ucp_mem_map_params_t, flags)", (long)UcpLayout.MEM_MAP_PARAMS_FLAGS);
        EXPECTED.put("sizeof(((ucp_mem_map_params_t *)0)->flags)", 4L);
        EXPECTED.put("UCP_MEM_MAP_PARAM_FIELD_FLAGS", UcpLayout.MEM_MAP_PARAM_FIELD_FLAGS);
        EXPECTED.put("UCP_MEM_MAP_ALLOCATE", (long)UcpLayout.MEM_MAP_ALLOCATE);
        EXPECTED.put("sizeof(ucp_mem_attr_t)", (long)UcpLayout.MEM_ATTR_SIZE);
        EXPECTED.put("offsetof(ucp_mem_attr_t, field_mask)", (long)UcpLayout.MEM_ATTR_FIELD_MASK);
        EXPECTED.put("offsetof(ucp_mem_attr_t, address)", (long)UcpLayout.MEM_ATTR_ADDRESS);
        EXPECTED.put("offsetof(ucp_mem_attr_t, length)", (long)UcpLayout.MEM_ATTR_LENGTH);
        EXPECTED.put("UCP_MEM_ATTR_FIELD_ADDRESS", UcpLayout.MEM_ATTR_FIELD_ADDRESS);
        EXPECTED.put("UCP_MEM_ATTR_FIELD_LENGTH", UcpLayout.MEM_ATTR_FIELD_LENGTH);
        EXPECTED.put("sizeof(ucp_request_param_t)", (long)UcpLayout.REQUEST_PARAM_SIZE);
        EXPECTED.put("offsetof(ucp_request_param_t, op_attr_mask)", (long)UcpLayout.REQUEST_PARAM_OP_ATTR_MASK);
        EXPECTED.put("offsetof(ucp_request_param_t, flags)", (long)UcpLayout.REQUEST_PARAM_FLAGS);
        EXPECTED.put("UCP_OP_ATTR_FIELD_FLAGS", (long)UcpLayout.OP_ATTR_FIELD_FLAGS);
        EXPECTED.put("UCP_EP_CLOSE_FLAG_FORCE", (long)UcpLayout.EP_CLOSE_FLAG_FORCE);
        EXPECTED.put("UCS_OK", (long)UcpLayout.UCS_OK);
        EXPECTED.put("UCS_INPROGRESS", (long)UcpLayout.UCS_INPROGRESS);
        EXPECTED.put("UCS_ERR_BUSY", (long)UcpLayout.UCS_ERR_BUSY);
        EXPECTED.put("UCS_ERR_UNREACHABLE", (long)UcpLayout.UCS_ERR_UNREACHABLE);
        EXPECTED.put("UCS_ERR_CANCELED", (long)UcpLayout.UCS_ERR_CANCELED);
        EXPECTED.put("UCS_ERR_LAST", (long)UcpLayout.UCS_ERR_LAST);
        EXPECTED.put("UCP_API_MAJOR", (long)UcpLayout.API_MAJOR);
        EXPECTED.put("UCP_API_MINOR", (long)UcpLayout.API_MINOR);
        EXPECTED.put("sizeof(void *)", 8L);
    }

    @Test
    void bindingLayoutMatchesTheInstalledHeaders(@TempDir final Path dir) throws Exception
    {
        assumeTrue(Files.exists(Path.of("/usr/include/ucp/api/ucp.h")) || System.getenv("CPATH") != null,
            "UCX headers (libucx-dev) are not installed");
        final StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n"
            + "#include <ucp/api/ucp.h>\nint main(void)\n{\n");
        for (final String expr : EXPECTED.keySet())
        {
            c.append("    printf(\"%s=%lld\\n\", \"").append(expr).append("\", (long long)(").append(expr)
                .append("));\n");
        }
        c.append("    return 0;\n}\n");
        final Path source = dir.resolve("layout.c");
        Files.writeString(source, c.toString());
        final Path binary = dir.resolve("layout");
        final String compiler = compiler();
        assumeTrue(compiler != null, "no C compiler (cc or gcc) on PATH");
        final Process cc = new ProcessBuilder(compiler, "-o", binary.toString(), source.toString())
            .redirectErrorStream(true).start();
        final String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assumeTrue(cc.exitValue() == 0 || !ccOut.contains("ucp.h"), "UCX headers not found: " + ccOut);
        assertThat(cc.exitValue()).as(ccOut).isZero();
        final Process run = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
        final List<String> lines = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
            .toList();
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        final Map<String, Long> actual = new LinkedHashMap<>();
        for (final String line : lines)
        {
            final int eq = line.lastIndexOf('=');
            actual.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
        }
        assertThat(actual).containsExactlyEntriesOf(EXPECTED);
    }

    private static String compiler() throws IOException
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(":"))
        {
            for (final String name : new String[] {"cc", "gcc"})
            {
                if (Files.isExecutable(Path.of(dir, name)))
                {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }
}
