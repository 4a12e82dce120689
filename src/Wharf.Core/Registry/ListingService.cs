namespace Wharf.Core.Registry;

/// <summary>
/// A page request of a listing (the spec's <c>n</c> and <c>last</c>). <see cref="Size"/> is at most
/// <see cref="MaxSize"/>; 0 is a valid, empty page.
/// </summary>
public readonly record struct ListingPage(int Size, string? Last)
{
    /// <summary>Page size when the client gives no n, and the largest page served.</summary>
    public const int DefaultSize = 1000;
    public const int MaxSize = 10000;

    /// <summary>Reads n and last as a client sent them; PAGINATION_NUMBER_INVALID unless n is a non-negative integer.</summary>
    public static Result<ListingPage> Parse(string? n, string? last)
    {
        if (string.IsNullOrEmpty(last)) last = null;
        if (string.IsNullOrEmpty(n)) return new ListingPage(DefaultSize, last);
        if (!int.TryParse(n, out int size) || size < 0)
            return new OciError(OciErrorCode.PaginationNumberInvalid, "n must be a non-negative integer");
        return new ListingPage(Math.Min(size, MaxSize), last);
    }
}

/// <summary>One page of names; <see cref="More"/> when another page follows the last of them.</summary>
public sealed record ListedPage(IReadOnlyList<string> Names, bool More);

/// <summary>
/// The listing rules: tags of an existing repository, the catalog filtered to what the caller may pull, and the
/// referrers of a manifest. Pages are read one past their size, so "is there more" costs no extra query.
/// </summary>
public sealed class ListingService(IMetadataStore metadata)
{
    /// <summary>NAME_UNKNOWN for a repository that does not exist (a repository with no tags lists none).</summary>
    public async Task<Result<ListedPage>> TagsAsync(string repository, ListingPage page, CancellationToken ct)
    {
        if (!await metadata.RepositoryExistsAsync(repository, ct)) return OciErrors.NameUnknown(repository);
        var tags = page.Size == 0 ? [] : await metadata.ListTagsAsync(repository, page.Last, page.Size + 1, ct);
        return Cut(tags, page.Size);
    }

    /// <summary>
    /// Repository names after <see cref="ListingPage.Last"/> that <paramref name="mayPull"/> admits: the catalog
    /// never names a repository the caller could not pull, and still fills its page from further batches.
    /// </summary>
    public async Task<ListedPage> CatalogAsync(ListingPage page, Func<string, Task<bool>> mayPull, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mayPull);
        int limit = page.Size + 1;
        var visible = new List<string>();
        var last = page.Last;
        while (page.Size > 0 && visible.Count < limit)
        {
            var batch = await metadata.ListRepositoriesAsync(last, limit, ct);
            foreach (var name in batch)
                if (visible.Count < limit && await mayPull(name)) visible.Add(name);
            if (batch.Count < limit) break;
            last = batch[^1];
        }
        return Cut(visible, page.Size);
    }

    private static ListedPage Cut(IReadOnlyList<string> names, int size) =>
        new(names.Take(size).ToList(), names.Count > size);
}
