"""Name pools for synthetic families. Invented combinations of common names; some families carry
names in Arabic, Chinese, Cyrillic and Polish spelling, because real caseloads do and every screen,
search and PDF must handle them."""

from __future__ import annotations

# (ethnicity codes, weight, female names, male names, surnames, language, interpreter share)
CULTURES = [
    (
        ["WBRI"],
        58,
        ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Freya", "Grace", "Sophie", "Chloe", "Ellie",
         "Jessica", "Hannah", "Emily", "Charlotte", "Poppy", "Ruby", "Megan", "Leah", "Kayleigh", "Danielle"],
        ["Oliver", "George", "Noah", "Arthur", "Harry", "Leo", "Jack", "Charlie", "Oscar", "Jacob", "Thomas",
         "Alfie", "Riley", "Callum", "Kyle", "Liam", "Connor", "Jake", "Ryan", "Dylan", "Lewis", "Mason"],
        ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
         "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
         "Hughes", "Marsh", "Booth", "Fletcher", "Hardy", "Bradley", "Shaw", "Bailey"],
        "English",
        0.0,
    ),
    (
        ["WOTH"],
        7,
        ["Zofia", "Maja", "Zuzanna", "Wiktoria", "Julia", "Agnieszka", "Małgorzata", "Katarzyna"],
        ["Jakub", "Kacper", "Szymon", "Mateusz", "Łukasz", "Paweł", "Michał", "Wojciech"],
        ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański"],
        "Polish",
        0.3,
    ),
    (
        ["APKN", "AIND", "ABAN"],
        10,
        ["Aisha", "Fatima", "Zara", "Amira", "Priya", "Anjali", "Nusrat", "Sana", "Hiba", "Maryam"],
        ["Mohammed", "Ibrahim", "Yusuf", "Ayaan", "Arjun", "Rohan", "Hamza", "Zain", "Bilal", "Imran"],
        ["Khan", "Hussain", "Ahmed", "Patel", "Begum", "Ali", "Sharma", "Rahman", "Iqbal", "Akhtar"],
        "English",
        0.1,
    ),
    (
        ["BAFR", "BCRB", "MWBC"],
        9,
        ["Amara", "Chioma", "Adaeze", "Keisha", "Shanice", "Nia", "Imani", "Zainab", "Abena"],
        ["Kwame", "Tunde", "Chidi", "Jerome", "Malik", "Kofi", "Emeka", "Tyrone", "Samuel"],
        ["Okafor", "Mensah", "Adeyemi", "Campbell", "Brown", "Boateng", "Oduya", "Richards", "Francis"],
        "English",
        0.05,
    ),
    (
        ["OOTH"],
        5,
        ["ليلى", "نور", "مريم", "سلمى"],
        ["عمر", "يوسف", "خالد", "سامي"],
        ["حداد", "الأحمد", "خليل", "نصار"],
        "Arabic",
        0.8,
    ),
    (
        ["WOTH"],
        4,
        ["Олена", "Марія", "Анна", "Ірина"],
        ["Андрій", "Олександр", "Дмитро", "Максим"],
        ["Коваленко", "Шевченко", "Бондаренко", "Мельник"],
        "Ukrainian",
        0.7,
    ),
    (
        ["CHNE"],
        3,
        ["芳", "静", "丽", "敏"],
        ["伟", "强", "磊", "军"],
        ["王", "李", "张", "刘"],
        "Mandarin",
        0.6,
    ),
    (
        ["WROM", "WIRT"],
        4,
        ["Bridget", "Mary", "Kathleen", "Margaret", "Rosie"],
        ["Patrick", "John", "Michael", "Martin", "Tommy"],
        ["Doherty", "McDonagh", "Ward", "Lee", "Price", "Smith"],
        "English",
        0.0,
    ),
]

STREETS = ["Church Lane", "Mill Road", "Station Road", "Victoria Street", "Park Avenue", "Meadow Close",
           "Orchard Way", "The Green", "Hollow Lane", "Brook Street", "Chapel Row", "Quarry Lane",
           "Ash Grove", "Willow Drive", "Castle View", "Moor Lane", "Well Street", "Elm Crescent"]
TOWNS = [("Ashby Marsh", "AM"), ("Belford", "BF"), ("Cranleigh Moor", "CM"), ("Dunholme", "DH"),
         ("Eastwick", "EW"), ("Fellside", "FS"), ("Greysford", "GF"), ("Hartlow", "HT")]
SCHOOLS = ["St Mary's C of E Primary", "Hartlow Community Primary", "Belford Academy", "Fellside Infants",
           "Greysford High School", "Moorland Nursery", "Eastwick Junior School", "Dunholme College"]
PROFESSIONALS = [("Sam Hewitt", "Family worker", "family_service"), ("Jo Pearce", "Health visitor", "health_visitor"),
                 ("Ravi Chauhan", "Designated safeguarding lead", "school"), ("Helen Ward", "School nurse", "school_nurse"),
                 ("Tom Okoro", "Youth worker", "voluntary_sector")]
