"""Built-in word lists for :mod:`byline_synth` (names, topics, venues, institutions).

Lists are ordered most-common first: the generator draws from them with Zipf weights by rank.
Pure data, no logic beyond small helpers.
"""

from __future__ import annotations

# --- surnames, per name origin, most common first ------------------------------------------------
SURNAMES: dict[str, tuple[str, ...]] = {
    "chinese": (
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
        "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han",
        "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong", "Pan", "Yuan", "Cai", "Jiang", "Yu",
        "Du", "Ye", "Cheng", "Wei", "Su", "Lu", "Ding", "Ren", "Yao", "Shen", "Zhong", "Cui", "Tan", "Fan",
        "Liao", "Shi", "Jin", "Jia", "Xia", "Fu", "Fang", "Zou", "Xiong", "Bai", "Meng", "Qin", "Qiu", "Hou",
        "Yin", "Xue", "Yan", "Duan", "Lei", "Long", "Tao", "Mao", "Hao", "Gu", "Gong", "Shao", "Wan", "Qian",
        "Lai", "Kong", "Mo", "Kang", "Chang", "Niu", "Hong", "Yi", "Ou", "Ge", "Zhan", "Qi", "Wen", "Ning",
        "Bao", "Geng", "Ji", "Hua", "Zuo", "Ruan", "Tong", "Che", "Sheng", "Lou", "Miao", "Shang", "Chu",
    ),
    "korean": (
        "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
        "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong", "Jeon", "Ko", "Moon", "Yang", "Son", "Bae",
        "Baek", "Heo", "Nam", "Shim", "Noh", "Ha", "Kwak", "Sung", "Cha", "Joo", "Woo", "Min", "Ryu", "Na",
        "Jin", "Chung", "Yi", "Jeong", "Byun", "Um", "Chae", "Won", "Chun", "Pyo",
    ),
    "japanese": (
        "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
        "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi",
        "Shimizu", "Saito", "Yamazaki", "Mori", "Abe", "Ikeda", "Hashimoto", "Ishikawa", "Ogawa", "Okada",
        "Fujita", "Goto", "Hasegawa", "Murakami", "Kondo", "Ishii", "Sakamoto", "Endo", "Aoki", "Fujii",
    ),
    "indian": (
        "Kumar", "Singh", "Sharma", "Gupta", "Patel", "Reddy", "Rao", "Das", "Shah", "Jain", "Agarwal",
        "Iyer", "Nair", "Mehta", "Chatterjee", "Banerjee", "Mukherjee", "Verma", "Joshi", "Mishra", "Pandey",
        "Srinivasan", "Krishnan", "Ghosh", "Bose", "Sinha", "Menon", "Pillai", "Chopra", "Kapoor", "Yadav",
        "Tiwari", "Saxena", "Bhattacharya", "Naidu", "Desai", "Kulkarni", "Subramanian",
    ),
    "vietnamese": (
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
        "Lý", "Võ", "Trương",
    ),
    "german": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
        "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
        "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause",
        "Meier", "Lehmann", "Köhler", "Maier", "Huber", "Kaiser", "Fuchs", "Peters", "Jäger", "Vogel",
    ),
    "french": (
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
        "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
        "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Müller", "Hénault",
    ),
    "iberian": (
        "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
        "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso",
        "Gutiérrez", "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Ferreira", "Rodrigues",
        "Almeida", "Gonçalves", "Araújo", "Carvalho", "Ribeiro", "Núñez", "Castillo", "Ortiz",
    ),
    "nordic_slavic_turkish": (
        "Nielsen", "Hansen", "Johansson", "Andersson", "Sørensen", "Jørgensen", "Karlsson", "Nilsson",
        "Larsen", "Eriksson", "Åberg", "Løvås", "Virtanen", "Korhonen", "Nowak", "Kowalski", "Wiśniewski",
        "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Dvořák", "Novák", "Černý", "Svoboda", "Horváth",
        "Ivanov", "Petrov", "Smirnov", "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın",
    ),
    "anglo_italian": (
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
        "Moore", "Jackson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen",
        "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell",
        "Roberts", "Carter", "Phillips", "Evans", "Turner", "Collins", "O'Brien", "McDonald", "Murphy",
        "Kelly", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
        "Greco", "Bruno", "Gallo", "De Luca", "Conti", "Costa", "Van der Berg", "De Vries", "Jansen",
    ),
}

# Given names. Chinese and Korean given names are built from syllables (see ``CJK_SYLLABLES``);
# the single names below are the common one-syllable Chinese given names.
CHINESE_SINGLE = (
    "Lei", "Wei", "Jun", "Jing", "Yan", "Li", "Min", "Hui", "Bin", "Tao", "Gang", "Yong", "Ping", "Hong",
    "Jie", "Peng", "Fei", "Qiang", "Hao", "Yu", "Xin", "Yang", "Lin", "Ying", "Kai", "Chao", "Bo", "Dan",
    "Na", "Lu", "Liang", "Long", "Lan", "Feng", "Ming", "Hua", "Jian", "Qing", "Rui", "Xia", "Yi", "Zhen",
    "Ning", "Tian", "Juan", "Fang", "Ting", "Shan", "Le", "Kun",
)
CHINESE_SYLLABLES = (
    "Xiao", "Jian", "Zhi", "Hai", "Yan", "Li", "Wei", "Hong", "Jun", "Ya", "Xue", "Chun", "Yu", "Hui",
    "Guo", "Ming", "Lin", "Jing", "Xin", "Qing", "Hua", "Yong", "Zhen", "Feng", "Lei", "Ling", "Li",
    "Ping", "Yun", "Hao", "Wen", "Jia", "Chen", "Dong", "Tian", "Shu", "Lu", "Mei", "Rong", "Fang",
    "Xiang", "Kai", "Peng", "Bo", "Jie", "Long", "Yi", "Zi", "Hang", "Rui",
)
KOREAN_SYLLABLES = (
    "Jae", "Min", "Ji", "Hyun", "Seong", "Sung", "Young", "Jin", "Soo", "Hye", "Woo", "Ho", "Eun", "Seung",
    "Dong", "Jun", "Kyung", "Sang", "Hee", "Yeon", "Chul", "Won", "Hoon", "Joon", "Su", "Tae", "Kwang",
    "Myung", "Byung", "In", "Jong", "Yong", "Ki", "Mi", "So", "Da", "Ha", "Jeong", "Hwan", "Yun",
)
GIVEN: dict[str, tuple[str, ...]] = {
    "japanese": (
        "Hiroshi", "Takashi", "Yuki", "Kenji", "Akira", "Satoshi", "Naoki", "Yoshiko", "Keiko", "Haruto",
        "Yuta", "Daisuke", "Kazuki", "Makoto", "Tomoko", "Ryo", "Shin", "Kei", "Masato", "Koji", "Takeshi",
        "Hideki", "Yusuke", "Shota", "Akiko", "Kazuhiro", "Tetsuya", "Masahiro", "Noriko", "Yoshihiro",
    ),
    "indian": (
        "Rajesh", "Amit", "Sanjay", "Priya", "Anil", "Sunil", "Ravi", "Vijay", "Deepak", "Arun", "Ashok",
        "Neha", "Pooja", "Rahul", "Ankit", "Vikram", "Suresh", "Ramesh", "Kavita", "Anjali", "Sandeep",
        "Manoj", "Srinivas", "Lakshmi", "Gaurav", "Abhishek", "Nikhil", "Shreya", "Venkatesh", "Aditya",
    ),
    "vietnamese": (
        "Minh", "Anh", "Thanh", "Đức", "Huy", "Tuấn", "Hùng", "Linh", "Hoa", "Quang", "Trung", "Hải",
        "Long", "Phương", "Thảo", "Nam", "Hiếu", "Khánh",
    ),
    "german": (
        "Michael", "Thomas", "Andreas", "Stefan", "Jürgen", "Klaus", "Wolfgang", "Jörg", "Matthias", "Sören",
        "Katrin", "Anja", "Sabine", "Günter", "Uwe", "Björn", "Lena", "Julia", "Markus", "Tobias", "Jan",
        "Dirk", "Christian", "Frank", "Martin", "Jens", "Ulrike", "Birgit", "Hans-Peter", "Karl-Heinz",
    ),
    "french": (
        "Pierre", "Nicolas", "François", "Jean-Pierre", "Jean-Luc", "Hélène", "Amélie", "Stéphane",
        "Frédéric", "Céline", "Sébastien", "Jérôme", "Élodie", "Marie-Claire", "Julien", "Olivier", "Camille",
        "Thierry", "Philippe", "Isabelle", "Laurent", "Sylvie", "Benoît", "Aurélien", "Loïc", "Anne-Sophie",
    ),
    "iberian": (
        "José", "María", "Juan", "Jesús", "Raúl", "Andrés", "Sofía", "Lucía", "Ángel", "Íñigo", "João",
        "Sebastián", "Joaquín", "Álvaro", "Inês", "Gonçalo", "Luis", "Carlos", "Ana", "Javier", "Miguel",
        "Pablo", "Marta", "Rafael", "Fernando", "Tomás", "Paulo", "Ramón", "José Luis", "María José",
    ),
    "nordic_slavic_turkish": (
        "Lars", "Søren", "Åsa", "Björn", "Magnus", "Ingrid", "Anders", "Mikko", "Łukasz", "Paweł", "Michał",
        "Wojciech", "Agnieszka", "Katarzyna", "Tomáš", "Jiří", "Zdeněk", "Petr", "Dmitry", "Sergey", "Olga",
        "Mehmet", "Ahmet", "Ayşe", "Özgür", "Gökhan", "Çağrı", "Emre", "Zoltán", "Péter",
    ),
    "anglo_italian": (
        "John", "James", "Robert", "Michael", "William", "David", "Richard", "Mary", "Jennifer", "Linda",
        "Elizabeth", "Susan", "Sarah", "Daniel", "Matthew", "Christopher", "Andrew", "Emily", "Laura", "Mark",
        "Paul", "Steven", "Kevin", "Brian", "Giuseppe", "Marco", "Francesco", "Alessandro", "Giulia",
        "Chiara", "Luca", "Matteo", "Paolo", "Niccolò", "Peter", "Jessica", "Thomas", "Anne", "Rachel",
    ),
}

# Global mix of name origins (probabilities) and where each origin's groups are based.
ORIGIN_MIX: dict[str, float] = {
    "chinese": 0.36, "korean": 0.09, "japanese": 0.06, "indian": 0.08, "vietnamese": 0.02,
    "german": 0.08, "french": 0.06, "iberian": 0.07, "nordic_slavic_turkish": 0.06, "anglo_italian": 0.12,
}
ORIGIN_COUNTRIES: dict[str, tuple[str, ...]] = {
    "chinese": ("China", "China", "China", "China", "Singapore", "USA"),
    "korean": ("South Korea", "South Korea", "South Korea", "USA"),
    "japanese": ("Japan", "Japan", "Japan", "USA"),
    "indian": ("India", "India", "India", "USA", "UK"),
    "vietnamese": ("Vietnam", "Vietnam", "Australia", "USA"),
    "german": ("Germany", "Germany", "Germany", "Switzerland"),
    "french": ("France", "France", "France", "Switzerland", "Canada"),
    "iberian": ("Spain", "Spain", "Brazil", "Portugal"),
    "nordic_slavic_turkish": ("Sweden", "Denmark", "Finland", "Poland", "Czech Republic", "Turkey"),
    "anglo_italian": ("USA", "USA", "UK", "Italy", "Canada", "Australia", "Netherlands"),
}

# (institution, city, email domain) per country.
INSTITUTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "China": (
        ("Tsinghua University", "Beijing", "tsinghua.edu.cn"),
        ("Peking University", "Beijing", "pku.edu.cn"),
        ("Zhejiang University", "Hangzhou", "zju.edu.cn"),
        ("Fudan University", "Shanghai", "fudan.edu.cn"),
        ("Shanghai Jiao Tong University", "Shanghai", "sjtu.edu.cn"),
        ("Nanjing University", "Nanjing", "nju.edu.cn"),
        ("Wuhan University", "Wuhan", "whu.edu.cn"),
        ("Sun Yat-sen University", "Guangzhou", "sysu.edu.cn"),
        ("University of Science and Technology of China", "Hefei", "ustc.edu.cn"),
        ("Harbin Institute of Technology", "Harbin", "hit.edu.cn"),
        ("Chinese Academy of Sciences", "Beijing", "cas.cn"),
        ("Sichuan University", "Chengdu", "scu.edu.cn"),
        ("Xi'an Jiaotong University", "Xi'an", "xjtu.edu.cn"),
        ("Huazhong University of Science and Technology", "Wuhan", "hust.edu.cn"),
        ("Tianjin University", "Tianjin", "tju.edu.cn"),
        ("Shandong University", "Jinan", "sdu.edu.cn"),
    ),
    "South Korea": (
        ("Seoul National University", "Seoul", "snu.ac.kr"),
        ("KAIST", "Daejeon", "kaist.ac.kr"),
        ("Yonsei University", "Seoul", "yonsei.ac.kr"),
        ("Korea University", "Seoul", "korea.ac.kr"),
        ("POSTECH", "Pohang", "postech.ac.kr"),
        ("Sungkyunkwan University", "Suwon", "skku.edu"),
        ("Hanyang University", "Seoul", "hanyang.ac.kr"),
    ),
    "Japan": (
        ("University of Tokyo", "Tokyo", "u-tokyo.ac.jp"),
        ("Kyoto University", "Kyoto", "kyoto-u.ac.jp"),
        ("Osaka University", "Osaka", "osaka-u.ac.jp"),
        ("Tohoku University", "Sendai", "tohoku.ac.jp"),
    ),
    "India": (
        ("Indian Institute of Technology Bombay", "Mumbai", "iitb.ac.in"),
        ("Indian Institute of Technology Delhi", "New Delhi", "iitd.ac.in"),
        ("Indian Institute of Science", "Bangalore", "iisc.ac.in"),
        ("Indian Institute of Technology Madras", "Chennai", "iitm.ac.in"),
    ),
    "Vietnam": (("Vietnam National University", "Hanoi", "vnu.edu.vn"),),
    "Singapore": (
        ("National University of Singapore", "Singapore", "nus.edu.sg"),
        ("Nanyang Technological University", "Singapore", "ntu.edu.sg"),
    ),
    "Australia": (("University of Melbourne", "Melbourne", "unimelb.edu.au"),),
    "Germany": (
        ("Technische Universität München", "München", "tum.de"),
        ("Universität Heidelberg", "Heidelberg", "uni-heidelberg.de"),
        ("Max-Planck-Institut für Informatik", "Saarbrücken", "mpi-inf.mpg.de"),
        ("Humboldt-Universität zu Berlin", "Berlin", "hu-berlin.de"),
    ),
    "Switzerland": (("ETH Zürich", "Zürich", "ethz.ch"), ("EPFL", "Lausanne", "epfl.ch")),
    "France": (
        ("Université Paris-Saclay", "Orsay", "universite-paris-saclay.fr"),
        ("Sorbonne Université", "Paris", "sorbonne-universite.fr"),
        ("Université Grenoble Alpes", "Grenoble", "univ-grenoble-alpes.fr"),
    ),
    "Spain": (
        ("Universidad Complutense de Madrid", "Madrid", "ucm.es"),
        ("Universitat de Barcelona", "Barcelona", "ub.edu"),
    ),
    "Portugal": (("Universidade de Lisboa", "Lisboa", "ulisboa.pt"),),
    "Brazil": (("Universidade de São Paulo", "São Paulo", "usp.br"),),
    "Sweden": (("KTH Royal Institute of Technology", "Stockholm", "kth.se"),),
    "Denmark": (("University of Copenhagen", "København", "ku.dk"),),
    "Finland": (("University of Helsinki", "Helsinki", "helsinki.fi"),),
    "Poland": (("Uniwersytet Warszawski", "Warszawa", "uw.edu.pl"),),
    "Czech Republic": (("Charles University", "Praha", "cuni.cz"),),
    "Turkey": (("Boğaziçi University", "İstanbul", "boun.edu.tr"),),
    "Italy": (
        ("Politecnico di Milano", "Milano", "polimi.it"),
        ("Sapienza Università di Roma", "Roma", "uniroma1.it"),
    ),
    "Netherlands": (("Delft University of Technology", "Delft", "tudelft.nl"),),
    "UK": (
        ("University of Oxford", "Oxford", "ox.ac.uk"),
        ("University of Cambridge", "Cambridge", "cam.ac.uk"),
        ("Imperial College London", "London", "imperial.ac.uk"),
    ),
    "Canada": (("University of Toronto", "Toronto", "utoronto.ca"), ("McGill University", "Montréal", "mcgill.ca")),
    "USA": (
        ("Massachusetts Institute of Technology", "Cambridge, MA", "mit.edu"),
        ("Stanford University", "Stanford, CA", "stanford.edu"),
        ("Harvard University", "Boston, MA", "harvard.edu"),
        ("University of California, Berkeley", "Berkeley, CA", "berkeley.edu"),
        ("Carnegie Mellon University", "Pittsburgh, PA", "cmu.edu"),
        ("University of Michigan", "Ann Arbor, MI", "umich.edu"),
        ("University of Washington", "Seattle, WA", "uw.edu"),
        ("Georgia Institute of Technology", "Atlanta, GA", "gatech.edu"),
        ("University of Illinois Urbana-Champaign", "Urbana, IL", "illinois.edu"),
        ("Johns Hopkins University", "Baltimore, MD", "jhu.edu"),
    ),
}

# --- research domains: (title, department, nouns) -------------------------------------------------
DOMAINS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Machine Learning", "Computer Science", (
        "neural network", "deep learning", "representation learning", "transformer", "attention mechanism",
        "reinforcement learning", "policy gradient", "generalization", "regularization", "stochastic optimization",
        "gradient descent", "embedding", "classifier", "feature extraction", "few-shot learning",
        "contrastive learning", "language model", "graph neural network", "adversarial example", "robustness",
        "benchmark", "dataset", "kernel method", "Bayesian inference", "variational autoencoder",
        "knowledge distillation", "hyperparameter tuning", "transfer learning", "self-supervision",
        "model compression",
    )),
    ("Computer Vision", "Computer Science", (
        "image segmentation", "object detection", "pose estimation", "optical flow", "stereo matching",
        "point cloud", "image restoration", "super-resolution", "visual tracking", "scene understanding",
        "depth estimation", "image retrieval", "face recognition", "3D reconstruction", "video analysis",
        "semantic segmentation", "camera calibration", "feature matching", "image denoising",
        "instance segmentation", "visual question answering", "action recognition", "medical image",
        "remote sensing image", "low-light enhancement", "convolutional network", "saliency",
    )),
    ("Natural Language Processing", "Computer Science", (
        "machine translation", "named entity recognition", "sentiment analysis", "question answering",
        "text classification", "dialogue system", "summarization", "dependency parsing", "word embedding",
        "information extraction", "relation extraction", "coreference resolution", "language modeling",
        "speech recognition", "text generation", "knowledge graph", "entity linking", "cross-lingual transfer",
        "tokenization", "discourse", "pretrained model", "corpus", "annotation", "lexicon", "prompting",
    )),
    ("Communication Networks", "Electrical Engineering", (
        "wireless network", "routing protocol", "edge computing", "network slicing",
        "software-defined networking", "throughput", "latency", "congestion control", "resource allocation",
        "scheduling", "cloud computing", "data center", "energy efficiency", "mobile device",
        "Internet of Things", "sensor network", "5G", "MIMO", "beamforming", "channel estimation",
        "spectrum sharing", "load balancing", "fault tolerance", "distributed system", "blockchain",
    )),
    ("Data Mining", "Computer Science", (
        "query optimization", "index structure", "transaction processing", "graph mining", "frequent pattern",
        "clustering", "outlier detection", "recommendation", "collaborative filtering", "stream processing",
        "entity resolution", "data cleaning", "knowledge base", "time series", "similarity search", "hashing",
        "spatial data", "data integration", "crowdsourcing", "social network", "community detection",
        "link prediction", "user behavior", "click-through rate", "author disambiguation",
    )),
    ("Materials Science", "Materials Science and Engineering", (
        "perovskite", "thin film", "nanoparticle", "graphene", "solar cell", "photocatalysis",
        "electrocatalyst", "lithium-ion battery", "cathode material", "anode", "electrolyte",
        "crystal structure", "grain boundary", "alloy", "corrosion", "ceramic", "polymer composite",
        "thermal conductivity", "mechanical property", "microstructure", "doping", "heterostructure",
        "quantum dot", "metal-organic framework", "hydrogel",
    )),
    ("Chemistry", "Chemistry", (
        "catalysis", "total synthesis", "ligand", "coordination complex", "reaction mechanism",
        "density functional theory", "organic synthesis", "asymmetric catalysis", "cross-coupling",
        "fluorescence", "spectroscopy", "chromatography", "molecular dynamics", "self-assembly",
        "supramolecular chemistry", "oxidation", "reduction", "adsorption", "kinetics", "solvent",
        "crystallization", "peptide", "polymerization", "photochemistry", "electrochemistry",
    )),
    ("Physics", "Physics", (
        "quantum entanglement", "superconductivity", "topological insulator", "spin", "magnetism",
        "phase transition", "lattice", "laser", "photon", "plasma", "dark matter", "neutrino",
        "gravitational wave", "black hole", "cosmology", "quantum computing", "qubit", "optical cavity",
        "nonlinear optics", "semiconductor", "electron transport", "band structure", "scattering",
        "Bose-Einstein condensate", "turbulence",
    )),
    ("Molecular Biology", "Biology", (
        "gene expression", "transcription factor", "RNA-seq", "single-cell sequencing",
        "genome-wide association study", "epigenetics", "DNA methylation", "chromatin", "CRISPR",
        "gene regulatory network", "protein structure", "protein folding", "mutation", "microRNA",
        "long noncoding RNA", "enhancer", "alternative splicing", "phylogenetics", "metagenomics",
        "microbiome", "signaling pathway", "cell proliferation", "apoptosis", "stem cell", "differentiation",
    )),
    ("Oncology", "Medicine", (
        "breast cancer", "lung cancer", "hepatocellular carcinoma", "colorectal cancer",
        "tumor microenvironment", "immunotherapy", "chemotherapy", "prognosis", "biomarker", "metastasis",
        "overall survival", "clinical trial", "radiotherapy", "patients", "diagnosis", "risk factor", "cohort",
        "mortality", "inflammation", "PD-1 blockade", "T cell", "macrophage", "drug resistance",
        "targeted therapy", "recurrence",
    )),
    ("Neuroscience", "Neuroscience", (
        "hippocampus", "prefrontal cortex", "synaptic plasticity", "neuron", "working memory", "fMRI", "EEG",
        "dopamine", "Alzheimer's disease", "Parkinson's disease", "cognition", "visual attention",
        "brain connectivity", "neurodegeneration", "glia", "axon regeneration", "neural circuit",
        "spike timing", "sleep", "depression", "schizophrenia", "motor learning", "motor control", "pain",
        "stroke",
    )),
    ("Public Health", "Public Health", (
        "COVID-19", "vaccination", "epidemic", "transmission", "public health", "obesity", "diabetes",
        "hypertension", "cardiovascular disease", "physical activity", "nutrition", "air pollution",
        "mental health", "smoking", "children", "older adults", "prevalence", "incidence", "intervention",
        "health care", "socioeconomic status", "meta-analysis", "systematic review", "questionnaire", "survey",
    )),
    ("Control and Robotics", "Automation", (
        "robot", "manipulator", "trajectory planning", "motion control", "sliding mode control",
        "model predictive control", "adaptive control", "nonlinear system", "stability analysis",
        "Lyapunov function", "state observer", "fault detection", "multi-agent system", "consensus",
        "unmanned aerial vehicle", "autonomous driving", "SLAM", "localization", "path planning", "actuator",
        "fuzzy logic", "neural control", "time delay", "event-triggered control", "H-infinity control",
    )),
    ("Power and Energy", "Electrical Engineering", (
        "power system", "smart grid", "wind power", "photovoltaic", "energy storage", "microgrid",
        "load forecasting", "electric vehicle", "inverter", "DC-DC converter", "voltage stability",
        "demand response", "renewable energy", "hydrogen production", "fuel cell", "transmission line",
        "fault diagnosis", "power quality", "optimal dispatch", "battery management", "harmonics",
        "frequency regulation", "distribution network", "carbon emission", "heat pump",
    )),
    ("Statistics", "Mathematics", (
        "estimator", "regression", "hypothesis testing", "Bayesian model", "Markov chain", "Monte Carlo",
        "stochastic process", "differential equation", "finite element method", "numerical scheme",
        "convergence rate", "boundary value problem", "graph theory", "combinatorics", "algebra", "manifold",
        "operator", "inequality", "approximation", "sparsity", "high-dimensional data", "variable selection",
        "survival analysis", "mixed model", "bootstrap",
    )),
    ("Environmental Science", "Environmental Science", (
        "climate change", "biodiversity", "species distribution", "ecosystem", "soil", "water quality",
        "wastewater treatment", "heavy metal", "sediment", "land use", "forest", "precipitation", "drought",
        "carbon cycle", "nitrogen", "remote sensing", "groundwater", "pollution", "microplastics",
        "vegetation", "habitat", "agriculture", "crop yield", "fish", "coral reef",
    )),
    ("Economics", "Economics", (
        "supply chain", "firm performance", "innovation", "corporate governance", "financial market",
        "stock return", "monetary policy", "inflation", "labor market", "international trade", "productivity",
        "consumer behavior", "pricing", "auction", "game theory", "mechanism design", "entrepreneurship",
        "sustainability", "human capital", "foreign direct investment",
    )),
)
BIO_DOMAINS = ("Molecular Biology", "Oncology", "Neuroscience", "Public Health", "Chemistry")

ADJECTIVES = (
    "novel", "efficient", "robust", "scalable", "adaptive", "improved", "hierarchical", "multi-scale",
    "distributed", "unsupervised", "semi-supervised", "dynamic", "optimal", "comparative", "systematic",
    "high-resolution", "low-cost", "real-time", "large-scale", "interpretable", "probabilistic", "joint",
    "generalized", "fast", "accurate", "sparse", "nonlinear", "integrated", "heterogeneous", "multi-modal",
    "lightweight", "quantitative", "longitudinal", "prospective", "retrospective", "stable", "selective",
    "enhanced", "unified", "data-driven",
)
METHODS = (
    "framework", "method", "approach", "model", "algorithm", "analysis", "study", "system", "strategy",
    "mechanism", "evaluation", "design", "technique", "scheme", "pipeline", "investigation",
)
VERBS = (
    "improves", "enhances", "reduces", "outperforms", "characterizes", "predicts", "reveals", "captures",
    "regulates", "affects", "enables", "achieves", "increases", "explains", "supports", "modulates",
)

# Slot letters: N = topic term (<= 4 per sentence), A = adjective (<= 2), M = method (<= 1), V = verb (<= 1).
TITLE_TEMPLATES = (
    "{A} {N} for {N}",
    "{N} based on {A} {N}",
    "a {A} {M} for {N} in {N}",
    "{N} and {N}: a {A} {M}",
    "on the {N} of {N}",
    "towards {A} {N} with {N}",
    "{A} {N} via {N} and {N}",
    "effect of {N} on {N} in {N}",
    "{N} of {N}: {A} {M} and {N}",
    "learning {N} from {N}",
    "investigating {N} in {A} {N}",
    "the role of {N} in {N}",
    "{N} in {N}: a {A} {M}",
    "{A} {M} of {N} and {N} for {N}",
)
SENTENCE_TEMPLATES = (
    "in this paper, we propose a {A} {M} for {N}.",
    "{N} plays an important role in {N} and {N}.",
    "we study the {N} of {N} under {A} {N}.",
    "the proposed {M} combines {N} with {A} {N}.",
    "experiments on {N} and {N} show that our {M} {V} {A} {N}.",
    "our results indicate that {N} {V} {N} in {A} {N}.",
    "compared with {A} {N}, the {M} {V} {N} significantly.",
    "we further analyze {N} and discuss {N}.",
    "these findings provide insight into {N} and {N}.",
    "a {A} {M} is developed to address {N} in {N}.",
    "{N} remains challenging because of {A} {N} and {N}.",
    "we collected data on {N}, {N} and {N} from a {A} {N}.",
)
GENERAL_VENUES = (
    "PLoS ONE", "Scientific Reports", "Nature Communications", "arXiv", "IEEE Access",
    "Proceedings of the National Academy of Sciences", "Heliyon",
)
VENUE_TEMPLATES = (
    "Journal of {D}", "IEEE Transactions on {D}", "Proceedings of the International Conference on {D}",
    "{D} Letters", "Annual Review of {D}", "International Symposium on {D}", "Advances in {D}",
    "Frontiers in {D}",
)

# Long tails: real surname inventories outside East Asia are huge. Plausible extra surnames are built
# from per-origin prefixes and suffixes and ranked after the real lists (so Zipf mass flows into a tail
# and the number of distinct blocks keeps growing with corpus size, as in real data).
SURNAME_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "german": (
        ("Adler", "Bach", "Berg", "Brand", "Eich", "Falk", "Gold", "Grün", "Hahn", "Hart", "Holz", "Kess",
         "Lind", "Ost", "Rosen", "Schön", "Stein", "Sturm", "Wald", "Weiß", "Wies", "Kirch", "Ober", "Mühl"),
        ("mann", "berg", "feld", "hof", "bach", "stein", "er", "inger", "hardt", "haus", "ler", "ner", "rich",
         "wald", "meier", "huber", "ke", "ow"),
    ),
    "french": (
        ("Beau", "Bel", "Bou", "Char", "Cour", "Des", "Dubr", "Fav", "Gail", "Lam", "Lav", "Mar", "Mont",
         "Per", "Roch", "Tess", "Vau", "Vil"),
        ("ier", "eau", "ard", "elle", "ot", "in", "et", "ais", "on", "ault", "ère", "y", "ette", "ac"),
    ),
    "iberian": (
        ("Alva", "Bar", "Cas", "Ech", "Fig", "Gal", "Iba", "Lar", "Mend", "Ort", "Quin", "Sal", "Var", "Zub",
         "Arr", "Bel", "Cam", "Esp"),
        ("ero", "ez", "ado", "eira", "ana", "illo", "ón", "uri", "ino", "arte", "oza", "ales"),
    ),
    "nordic_slavic_turkish": (
        ("Kow", "Nowa", "Wis", "Krav", "Pol", "Sob", "Zel", "Dab", "Mal", "Lund", "Berg", "Dahl", "Sand",
         "Ak", "Kar", "Öz", "Yıl", "Hol"),
        ("ski", "czyk", "ek", "ak", "ov", "enko", "ić", "iak", "qvist", "ström", "gren", "dal", "oğlu", "can",
         "sen", "lund"),
    ),
    "anglo_italian": (
        ("Ash", "Black", "Brad", "Brook", "Chester", "Craw", "Dun", "Fair", "Har", "Hawk", "Kings", "Lang",
         "Mar", "Mill", "Nor", "Pem", "Ran", "Ridge", "Stan", "Thorn", "Wake", "Whit", "Wood", "Bel", "Cal",
         "Fer", "Lom", "Pal", "Ros", "Tor", "Val", "Vit"),
        ("ford", "ley", "ton", "well", "wood", "worth", "field", "by", "more", "ham", "man", "shaw", "stead",
         "lini", "etti", "ucci", "ardi", "elli", "oni", "ino"),
    ),
    "japanese": (
        ("Aki", "Fuku", "Hira", "Ishi", "Kawa", "Kita", "Matsu", "Miya", "Naka", "Nishi", "Oka", "Saka",
         "Taka", "Uchi", "Yama", "Yoshi", "Mori", "Tsuji"),
        ("moto", "mura", "kawa", "da", "no", "shita", "hara", "oka", "zaki", "gawa", "uchi", "ta", "yama"),
    ),
    "indian": (
        ("Ana", "Bala", "Chandra", "Deva", "Gopal", "Hari", "Jaya", "Krishna", "Madhu", "Nara", "Pra", "Ragh",
         "Sri", "Venka", "Vish", "Ram"),
        ("swamy", "raman", "murthy", "nathan", "krishnan", "pal", "reddy", "das", "kar", "wal", "appa", "iah"),
    ),
}
TAIL_SIZE = 350  # extra surnames per origin, at most


def surname_inventory(origin: str) -> tuple[str, ...]:
    """Real surnames of ``origin`` (most common first), then the generated tail in a fixed order."""
    real = SURNAMES[origin]
    if origin not in SURNAME_PARTS:
        return real
    pre, suf = SURNAME_PARTS[origin]
    seen = set(real)
    combos = []
    for i in range(len(pre) * len(suf)):
        # a fixed interleaving (prefix-major would put all "Ash..." names together)
        p, s = pre[(i * 7) % len(pre)], suf[(i * 11 + i // len(pre)) % len(suf)]
        name = p + (s[1:] if p[-1] == s[0] else s)
        if name not in seen:
            seen.add(name)
            combos.append(name)
    return real + tuple(combos[:TAIL_SIZE])

# More institutions: "<City> University", "<City> University of Technology", ... per country, so that
# two groups rarely share an institution by chance (real corpora have thousands).
CITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "China": tuple((c, c.lower().replace("'", "").replace(" ", "") + ".edu.cn") for c in (
        "Changsha", "Chongqing", "Dalian", "Qingdao", "Shenzhen", "Suzhou", "Lanzhou", "Kunming", "Fuzhou",
        "Zhengzhou", "Nanchang", "Xiamen", "Shenyang", "Taiyuan", "Guiyang", "Nanning", "Ningbo", "Wuxi",
        "Changchun", "Hohhot", "Urumqi", "Yangzhou", "Shijiazhuang", "Hangzhou")),
    "South Korea": tuple((c, c.lower() + ".ac.kr") for c in (
        "Busan", "Daegu", "Incheon", "Gwangju", "Ulsan", "Cheongju", "Jeonju", "Changwon", "Chuncheon")),
    "Japan": tuple((c, c.lower() + "-u.ac.jp") for c in ("Nagoya", "Hiroshima", "Sapporo", "Fukuoka", "Kobe", "Chiba")),
    "India": tuple((c, c.lower() + ".ac.in") for c in ("Pune", "Hyderabad", "Kolkata", "Jaipur", "Kanpur", "Roorkee")),
    "USA": tuple((c, c.lower().replace(" ", "") + ".edu") for c in (
        "Houston", "Denver", "Phoenix", "Miami", "Portland", "Austin", "Nashville", "Columbus", "Buffalo")),
    "Germany": tuple((c, "uni-" + c.lower().replace("ü", "ue").replace("ö", "oe") + ".de") for c in (
        "Köln", "Bonn", "Münster", "Göttingen", "Tübingen", "Jena", "Leipzig", "Dresden")),
}
INSTITUTION_FORMS = (
    "{C} University", "{C} University of Technology", "{C} Normal University", "{C} Medical University",
    "University of Science and Technology {C}", "{C} Institute of Technology",
)


def institutions(country: str) -> tuple[tuple[str, str, str], ...]:
    """Real institutions of ``country`` first, then generated ones (name, city, e-mail domain)."""
    real = INSTITUTIONS[country]
    extra = []
    for k, (city, dom) in enumerate(CITIES.get(country, ())):
        for f, form in enumerate(INSTITUTION_FORMS):
            if (k + f) % 3 == 0:  # a fixed, sparse subset: not every city has every kind
                extra.append((form.format(C=city), city, (f"{['u', 'ut', 'nu', 'mu', 'ust', 'it'][f]}." + dom)))
    return real + tuple(extra)
