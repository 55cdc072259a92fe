//! Curated lists: professional specialties (with sub-specialties) and organization types.
//! Curated rather than free text so members can be found and matched by specialty.

/// A specialty and the sub-specialties that belong to it.
pub struct Specialty {
    pub name: &'static str,
    pub subspecialties: &'static [&'static str],
}

/// Specialties offered to professionals, alphabetical.
pub const SPECIALTIES: &[Specialty] = &[
    Specialty {
        name: "Allergy and Immunology",
        subspecialties: &["Clinical Immunology", "Pediatric Allergy"],
    },
    Specialty {
        name: "Anesthesiology",
        subspecialties: &[
            "Cardiac Anesthesia",
            "Critical Care",
            "Pain Medicine",
            "Pediatric Anesthesia",
            "Regional Anesthesia",
        ],
    },
    Specialty {
        name: "Cardiology",
        subspecialties: &[
            "Electrophysiology",
            "Heart Failure",
            "Interventional Cardiology",
            "Preventive Cardiology",
        ],
    },
    Specialty {
        name: "Dermatology",
        subspecialties: &["Dermatopathology", "Mohs Surgery", "Pediatric Dermatology"],
    },
    Specialty {
        name: "Dietetics and Nutrition",
        subspecialties: &["Clinical Nutrition", "Renal Nutrition", "Sports Nutrition"],
    },
    Specialty {
        name: "Emergency Medicine",
        subspecialties: &["Pediatric Emergency Medicine", "Toxicology", "Ultrasound"],
    },
    Specialty {
        name: "Endocrinology",
        subspecialties: &["Diabetes", "Thyroid", "Obesity Medicine"],
    },
    Specialty {
        name: "Family Medicine",
        subspecialties: &["Geriatrics", "Sports Medicine", "Addiction Medicine"],
    },
    Specialty {
        name: "Gastroenterology",
        subspecialties: &["Hepatology", "Inflammatory Bowel Disease", "Endoscopy"],
    },
    Specialty {
        name: "General Surgery",
        subspecialties: &[
            "Bariatric Surgery",
            "Colorectal Surgery",
            "Surgical Oncology",
            "Trauma Surgery",
        ],
    },
    Specialty {
        name: "Genetics",
        subspecialties: &["Clinical Genetics", "Genetic Counseling"],
    },
    Specialty {
        name: "Hematology and Oncology",
        subspecialties: &[
            "Breast Oncology",
            "Hematologic Malignancies",
            "Thoracic Oncology",
        ],
    },
    Specialty {
        name: "Infectious Disease",
        subspecialties: &[
            "HIV Medicine",
            "Transplant Infectious Disease",
            "Travel Medicine",
        ],
    },
    Specialty {
        name: "Internal Medicine",
        subspecialties: &["Hospital Medicine", "Palliative Care", "Geriatrics"],
    },
    Specialty {
        name: "Nephrology",
        subspecialties: &["Dialysis", "Transplant Nephrology"],
    },
    Specialty {
        name: "Neurology",
        subspecialties: &[
            "Epilepsy",
            "Movement Disorders",
            "Multiple Sclerosis",
            "Stroke",
            "Headache Medicine",
        ],
    },
    Specialty {
        name: "Nursing",
        subspecialties: &[
            "Critical Care Nursing",
            "Nurse Practitioner",
            "Oncology Nursing",
            "Pediatric Nursing",
            "Midwifery",
        ],
    },
    Specialty {
        name: "Obstetrics and Gynecology",
        subspecialties: &[
            "Maternal-Fetal Medicine",
            "Reproductive Endocrinology",
            "Gynecologic Oncology",
        ],
    },
    Specialty {
        name: "Occupational Therapy",
        subspecialties: &["Hand Therapy", "Pediatric Occupational Therapy"],
    },
    Specialty {
        name: "Ophthalmology",
        subspecialties: &["Glaucoma", "Retina", "Cornea"],
    },
    Specialty {
        name: "Orthopedic Surgery",
        subspecialties: &[
            "Joint Replacement",
            "Spine Surgery",
            "Sports Medicine",
            "Hand Surgery",
        ],
    },
    Specialty {
        name: "Otolaryngology",
        subspecialties: &["Head and Neck Surgery", "Rhinology", "Otology"],
    },
    Specialty {
        name: "Pathology",
        subspecialties: &["Clinical Pathology", "Cytopathology", "Forensic Pathology"],
    },
    Specialty {
        name: "Pediatrics",
        subspecialties: &[
            "Neonatology",
            "Pediatric Cardiology",
            "Adolescent Medicine",
            "Developmental Pediatrics",
        ],
    },
    Specialty {
        name: "Pharmacy",
        subspecialties: &[
            "Clinical Pharmacy",
            "Oncology Pharmacy",
            "Community Pharmacy",
        ],
    },
    Specialty {
        name: "Physical Medicine and Rehabilitation",
        subspecialties: &["Spinal Cord Injury", "Brain Injury Medicine"],
    },
    Specialty {
        name: "Physical Therapy",
        subspecialties: &["Neurologic Physical Therapy", "Orthopedic Physical Therapy"],
    },
    Specialty {
        name: "Psychiatry",
        subspecialties: &[
            "Child and Adolescent Psychiatry",
            "Addiction Psychiatry",
            "Consultation-Liaison Psychiatry",
        ],
    },
    Specialty {
        name: "Psychology",
        subspecialties: &[
            "Clinical Psychology",
            "Neuropsychology",
            "Health Psychology",
        ],
    },
    Specialty {
        name: "Public Health",
        subspecialties: &["Epidemiology", "Global Health", "Health Policy"],
    },
    Specialty {
        name: "Pulmonology",
        subspecialties: &[
            "Critical Care",
            "Sleep Medicine",
            "Interstitial Lung Disease",
        ],
    },
    Specialty {
        name: "Radiology",
        subspecialties: &[
            "Interventional Radiology",
            "Neuroradiology",
            "Breast Imaging",
        ],
    },
    Specialty {
        name: "Rheumatology",
        subspecialties: &["Lupus", "Vasculitis"],
    },
    Specialty {
        name: "Urology",
        subspecialties: &["Pediatric Urology", "Urologic Oncology"],
    },
];

/// Kinds of healthcare organization.
pub const ORG_TYPES: &[&str] = &[
    "Hospital",
    "Clinic",
    "Pharmacy",
    "Laboratory",
    "Health system",
    "Patient advocacy group",
    "Professional society",
    "Research institute",
    "Health technology company",
    "Pharmaceutical company",
    "Public health agency",
];

/// The specialty with this exact name.
pub fn specialty(name: &str) -> Option<&'static Specialty> {
    SPECIALTIES.iter().find(|s| s.name == name)
}

/// Whether `name` is a curated organization type.
pub fn is_org_type(name: &str) -> bool {
    ORG_TYPES.contains(&name)
}
