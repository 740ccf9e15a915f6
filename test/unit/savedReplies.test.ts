import { savedReplyBody, savedReplyTitle, withSavedReply } from '../../src/domain/savedReplies';

describe('saved replies', () => {
  const reply = { titleId: 'Menanyakan lokasi', titleEn: 'Asking for the location', bodyId: 'Di mana lokasinya?', bodyEn: 'Where is it?' };

  it('goes after what was typed, a blank line between, or alone into an empty field', () => {
    expect(withSavedReply('', 'Teks')).toBe('Teks');
    expect(withSavedReply('  \n', 'Teks')).toBe('Teks');
    expect(withSavedReply('Selamat pagi.', 'Teks')).toBe('Selamat pagi.\n\nTeks');
    expect(withSavedReply('Selamat pagi.\n\n\n', 'Teks')).toBe('Selamat pagi.\n\nTeks');
    expect(withSavedReply('  Menjorok', 'Teks')).toBe('  Menjorok\n\nTeks');
  });

  it('in the language asked for', () => {
    expect(savedReplyBody(reply, 'id')).toBe('Di mana lokasinya?');
    expect(savedReplyBody(reply, 'en')).toBe('Where is it?');
    expect(savedReplyTitle(reply, 'en')).toBe('Asking for the location');
    expect(savedReplyTitle(reply, 'id')).toBe('Menanyakan lokasi');
  });
});
