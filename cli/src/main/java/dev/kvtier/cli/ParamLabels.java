package dev.kvtier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.Ansi.IStyle;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.IParamLabelRenderer;
import picocli.CommandLine.Model.ArgSpec;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Help placeholders in words: an option without its own label would show its Java field name
 * ({@code <evictionHighWatermarkRatio>}); this shows what the value is instead ({@code RATIO}, {@code PORT},
 * {@code true|false}), from the field name's last word and the option's type.
 */
final class ParamLabels implements IParamLabelRenderer
{
    private static final Pattern FIELD_NAME = Pattern.compile("<([a-z]+[A-Z][A-Za-z0-9]*|[a-z]+)>");
    private static final Pattern LAST_WORD = Pattern.compile("([A-Z]?[a-z0-9]+)$");

    private final IParamLabelRenderer base;

    private ParamLabels(final IParamLabelRenderer base)
    {
        this.base = base;
    }

    /** Installs the renderer on a command line and every subcommand it has now. */
    static void install(final CommandLine cli)
    {
        cli.setHelpFactory((spec, scheme) -> new CommandLine.Help(spec, scheme)
        {
            @Override
            public IParamLabelRenderer parameterLabelRenderer()
            {
                return new ParamLabels(super.parameterLabelRenderer());
            }
        });
    }

    /** The words for a field-name label: {@code evictionHighWatermarkRatio} → {@code RATIO}. */
    static String words(final String fieldName, final Class<?> type)
    {
        if (type == boolean.class || type == Boolean.class)
        {
            return "true|false";
        }
        final Matcher m = LAST_WORD.matcher(fieldName);
        return m.find() ? m.group(1).toUpperCase(Locale.ROOT) : fieldName.toUpperCase(Locale.ROOT);
    }

    @Override
    public Text renderParameterLabel(final ArgSpec arg, final Ansi ansi, final List<IStyle> styles)
    {
        final Text text = base.renderParameterLabel(arg, ansi, styles);
        final String plain = text.plainString();
        final Matcher m = FIELD_NAME.matcher(plain);
        if (!m.find())
        {
            return text;
        }
        return ansi.new Text(m.replaceAll(Matcher.quoteReplacement(words(m.group(1), arg.type()))),
            CommandLine.Help.defaultColorScheme(ansi));
    }

    @Override
    public String separator()
    {
        return base.separator();
    }
}
