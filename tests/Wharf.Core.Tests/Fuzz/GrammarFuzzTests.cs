using CsCheck;
using static Wharf.Core.Tests.Fuzz.Grammars;

namespace Wharf.Core.Tests.Fuzz;

/// <summary>
/// The name, tag, digest and reference grammars against recognisers written from the spec's text, on generated
/// valid strings, one-edit mutations of them and noise: same verdict, never an exception, and what parses
/// formats back to the same text.
/// </summary>
public class GrammarFuzzTests
{
    private const long Iterations = 5_000;

    [Fact]
    public void Generated_names_are_valid_and_their_namespace_is_the_first_component() =>
        Names.Sample(name =>
        {
            Assert.True(Reference.IsValidName(name), name);
            Assert.Equal(name.Split('/')[0], Reference.Namespace(name));
        }, iter: Iterations);

    [Fact]
    public void A_name_is_valid_exactly_when_the_spec_grammar_says_so() =>
        Gen.OneOf(Mutated(Names), Noise).Sample(s => Assert.Equal(IsName(s), Reference.IsValidName(s)), iter: Iterations);

    [Fact]
    public void A_tag_is_valid_exactly_when_the_spec_grammar_says_so() =>
        Gen.OneOf(Tags, Mutated(Tags), Noise).Sample(s => Assert.Equal(IsTag(s), Reference.IsValidTag(s)), iter: Iterations);

    [Fact]
    public void A_digest_parses_exactly_when_the_spec_grammar_says_so_and_formats_back_unchanged() =>
        Gen.OneOf(Digests.Select(d => d.ToString()), Mutated(Digests.Select(d => d.ToString())), Noise).Sample(s =>
        {
            bool parsed = Core.Digest.TryParse(s, out var digest);
            Assert.Equal(IsDigest(s), parsed);
            if (parsed) Assert.Equal(s, digest.ToString());
            else Assert.Throws<FormatException>(() => Core.Digest.Parse(s));
        }, iter: Iterations);

    [Fact]
    public void A_computed_digest_round_trips_through_its_text() =>
        Digests.Sample(d => Assert.Equal(d, Core.Digest.Parse(d.ToString())), iter: Iterations);

    [Fact]
    public void A_manifest_reference_is_a_digest_when_it_has_a_colon_else_a_tag_and_formats_back_unchanged() =>
        Gen.OneOf(Tags, Digests.Select(d => d.ToString()), Mutated(Tags), Noise).Sample(s =>
        {
            bool parsed = ManifestReference.TryParse(s, out var reference);
            Assert.Equal(s.Contains(':') ? IsDigest(s) : IsTag(s), parsed);
            if (!parsed) return;
            Assert.Equal(s.Contains(':'), reference.IsDigest);
            Assert.Equal(s, reference.ToString());
        }, iter: Iterations);
}
