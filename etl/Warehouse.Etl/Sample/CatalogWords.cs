namespace Warehouse.Sample;

/// <summary>Words for product titles and variant names.</summary>
internal static class CatalogWords
{
    public sealed record Category(string Name, string Code, string[] Nouns, string[][] VariantSets, decimal VariantPriceStep);

    private static readonly string[] Colors = ["Black", "White", "Pink", "Sage Green", "Clear", "Lavender", "Navy", "Beige"];
    private static readonly string[] Sizes = ["S", "M", "L", "XL"];
    private static readonly string[] Packs = ["1 Pack", "2 Pack", "3 Pack", "6 Pack"];
    private static readonly string[] Volumes = ["30 ml", "50 ml", "100 ml", "Travel Size"];
    private static readonly string[] Phones = ["iPhone 15", "iPhone 16", "iPhone 16 Pro", "Galaxy S24"];

    public static readonly IReadOnlyList<Category> Categories =
    [
        new("Phone Accessories", "PHN", ["Phone Case", "MagSafe Charger", "Screen Protector", "Phone Grip", "USB-C Cable", "Car Phone Mount"], [Phones, Colors], 0m),
        new("Beauty & Personal Care", "BTY", ["Vitamin C Serum", "Lip Oil", "Claw Clips", "Facial Ice Roller", "Sheet Mask", "Scalp Massager"], [Volumes, Colors, Packs], 4m),
        new("Home & Kitchen", "HOM", ["LED Strip Lights", "Storage Baskets", "Silicone Spatula Set", "Throw Blanket", "Sunset Lamp", "Drawer Organizer"], [Colors, Packs], 3m),
        new("Pet Supplies", "PET", ["Dog Chew Toy", "Cat Scratcher", "Pet Grooming Glove", "Slow Feeder Bowl", "Lint Roller"], [Sizes, Colors], 2m),
        new("Sports & Outdoors", "SPT", ["Resistance Bands", "Yoga Mat", "Insulated Water Bottle", "Weighted Jump Rope", "Gym Bag"], [Colors, Sizes], 2m),
        new("Womenswear", "WMN", ["Seamless Leggings", "Oversized Hoodie", "Ribbed Tank Top", "Cargo Pants", "Scrunchies"], [Sizes, Colors], 0m),
        new("Toys & Hobbies", "TOY", ["Fidget Toy Set", "Building Blocks", "Plush Toy", "Craft Kit", "Puzzle 1000 Pieces"], [Packs, Colors], 5m),
    ];

    private static readonly string[] Adjectives =
    [
        "Premium", "Mini", "Portable", "Aesthetic", "Ultra-Soft", "Magnetic", "Eco", "Viral", "Classic", "Pro",
        "Cloud", "Everyday", "Heavy-Duty", "Travel", "Cute",
    ];

    private static readonly string[] Extras = ["", "", "", "", " for Women", " - Gift Idea", ", Set of 2", " (2026 Edition)", " with Storage Pouch"];

    /// <summary>The title that tests formula injection in spreadsheets downstream.</summary>
    public const string FormulaTitle = "=HYPERLINK(\"x\") Phone Case";

    public static string Title(Random random, Category category) =>
        $"{random.Pick(Adjectives)} {random.Pick(category.Nouns)}{random.Pick(Extras)}";

    public static string[] Variants(Random random, Category category, int count)
    {
        var set = random.Pick(category.VariantSets);
        if (count == 1) return [random.Pick(set)];
        var names = new string[count];
        for (int i = 0; i < count; i++) names[i] = set[i % set.Length];
        return names;
    }

    private static readonly string[] CreatorStems =
    [
        "glowwithmia", "dealsbyjay", "momfinds", "techtok.sam", "cozyhome.ana", "fitwithleo", "petlife.kai",
        "beautybyzoe", "gadgetguru", "thriftyqueen", "cleanwithkim", "dailyfinds.uk", "amazonmusthaves",
        "shopwithnora", "liftwithmax", "skincare.ella", "budgetbabe", "kitchenhacks", "studio.rae", "outfitsbyluz",
    ];

    public static string Creator(int index) =>
        index < CreatorStems.Length ? CreatorStems[index] : $"{CreatorStems[index % CreatorStems.Length]}{index / CreatorStems.Length}";
}
