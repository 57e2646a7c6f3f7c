#!/usr/bin/env python3
"""Writes a practice-management export with one row per visit, as Excel writes it on a Spanish
Windows PC: Windows-1252, ';', CRLF, dd/mm/aaaa dates, decimal commas, Spanish names with
accents. Deterministic (seeded). Each client has 2 pets with VISITS visits each (default 3: many
clients for the rows; 12 is a large clinic's decade: a million rows are 41,667 clients).
usage: scripts/gen-import-csv.py ROWS OUT.csv [VISITS]"""
import random, sys

if len(sys.argv) not in (3, 4):
    sys.exit(__doc__)
rows, out = int(sys.argv[1]), sys.argv[2]
visits = int(sys.argv[3]) if len(sys.argv) == 4 else 3
rnd = random.Random(2026)
FIRST = ["María", "José", "Lucía", "Álvaro", "Inés", "Íñigo", "Begoña", "Jesús", "Ramón", "Sofía",
         "Martín", "Nuria", "Óscar", "Raúl", "Elena", "Andrés", "Mónica", "Iván", "Ángela", "Tomás"]
SURN = ["Núñez", "Peña", "Gómez", "Martínez", "Sánchez", "Pérez", "López", "García", "Fernández",
        "Rodríguez", "Muñoz", "Díaz", "Jiménez", "Álvarez", "Romero", "Ibáñez", "Castaño", "Suárez"]
PETS = ["Luna", "Toby", "Coco", "Nube", "Pío", "Rocco", "Lola", "Thor", "Kira", "Simba", "Canela", "Chispa"]
SPECIES = [("Perro", "Labrador"), ("Perro", "Bóxer"), ("Gato", "Común europeo"), ("Gato", "Siamés"),
           ("Conejo", "Belier"), ("Ave", "Canario")]
KINDS = [("Consulta", "Vómitos desde ayer"), ("Revisión", "Control anual"), ("Vacunación", "Vacuna trivalente"),
         ("Cirugía", "Castración; revisar puntos"), ("Urgencia", "Herida en la pata")]
SEV = ["Leve", "Leve", "Moderada", "Grave"]
VETS = ["Dra. Elena Ruiz", "José Ibáñez", "Dra. Begoña Sáenz", "Dr. Íñigo Muñoz"]
HEAD = ["Cód. Cliente", "Nombre", "Apellidos", "Teléfono", "E-mail", "Dirección", "Acepta publicidad",
        "Nº Mascota", "Mascota", "Especie", "Raza", "Sexo", "Fecha nacimiento", "Nº Visita",
        "Fecha visita", "Tipo de visita", "Gravedad", "Motivo", "Importe", "Veterinario"]

def q(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ';"\n') else s

with open(out, "w", encoding="cp1252", newline="") as f:
    f.write(";".join(HEAD) + "\r\n")
    n = 0
    c = 0
    while n < rows:
        c += 1
        first, s1, s2 = rnd.choice(FIRST), rnd.choice(SURN), rnd.choice(SURN)
        phone = f"6{rnd.randint(10, 99)} {rnd.randint(100, 999)} {rnd.randint(100, 999)}"
        email = f"cliente{c}@ejemplo.es"
        addr = f"C/ Mayor, {rnd.randint(1, 99)}; {rnd.randint(1, 6)}º B"
        consent = rnd.choice(["Sí", "No"])
        for p in range(2):
            pet_id = f"M{c:06d}{p}"
            species, breed = rnd.choice(SPECIES)
            born = f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{rnd.randint(2008, 2023)}"
            pet = rnd.choice(PETS)
            sex = rnd.choice(["Macho", "Hembra"])
            for v in range(visits):
                if n >= rows:
                    break
                n += 1
                kind, reason = rnd.choice(KINDS)
                when = f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{rnd.randint(2016, 2025) if visits > 3 else rnd.randint(2023, 2025)} {rnd.randint(9, 20):02d}:{rnd.choice(['00', '15', '30', '45'])}"
                amount = f"{rnd.randint(20, 1500)},{rnd.randint(0, 99):02d}"
                row = [f"C{c:06d}", first, f"{s1} {s2}", phone, email, addr, consent, pet_id, pet,
                       species, breed, sex, born, f"V{n:07d}", when, kind, rnd.choice(SEV), reason,
                       amount, rnd.choice(VETS)]
                f.write(";".join(q(x) for x in row) + "\r\n")
